import Foundation

/// One recorded change (DESIGN.md §13): who, how, when, what, and the values before and
/// after. Written in the same transaction as the change; never changed or deleted
/// through the API.
public struct AuditEntry: Sendable, Hashable {
    /// What was changed, as `GET /audit?kind=` filters it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case jobCreated = "job.created"
        case jobUpdated = "job.updated"
        case jobDeleted = "job.deleted"
        case jobPaused = "job.paused"
        case jobResumed = "job.resumed"
        case jobSnoozed = "job.snoozed"
        case jobUnsnoozed = "job.unsnoozed"
        case alertAcknowledged = "alert.acknowledged"
        case channelCreated = "channel.created"
        case channelUpdated = "channel.updated"
        case channelDeleted = "channel.deleted"
        case windowCreated = "window.created"
        case windowUpdated = "window.updated"
        case windowDeleted = "window.deleted"
        /// One apply as a whole, with its commit and counts; its documents have rows of their own.
        case syncApplied = "sync.applied"
        case keyCreated = "key.created"
        case keyRevoked = "key.revoked"
    }

    public var id: Int64
    public var at: Date
    public var actor: String
    public var via: ChangeAuthor.Via
    public var kind: Kind
    /// What the change was to: a job id, a channel or window name, an alert id, a key name, a sync source.
    public var target: String
    /// The job the change concerns, when it concerns one (for `?job_id=`).
    public var jobID: String?
    /// The commit of a sync apply.
    public var commit: String?
    public var before: JSONValue?
    public var after: JSONValue?

    public init(
        id: Int64 = 0, at: Date, actor: String, via: ChangeAuthor.Via, kind: Kind, target: String,
        jobID: String? = nil, commit: String? = nil, before: JSONValue? = nil, after: JSONValue? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.via = via
        self.kind = kind
        self.target = target
        self.jobID = jobID
        self.commit = commit
        self.before = before
        self.after = after
    }
}
