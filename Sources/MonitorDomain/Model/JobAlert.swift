import Foundation

/// An incident: a job did not start, ran too long or failed, or a notification channel
/// is failing (`channel_failing`, the one kind with no job).
public struct JobAlert: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case missedJob = "missed_job"
        case longRunning = "long_running"
        case failed
        /// A successful run shorter than the job's `min_runtime`.
        case tooFast = "too_fast"
        case channelFailing = "channel_failing"
    }

    public var id: Int64
    /// Nil only for `channel_failing`.
    public var jobID: String?
    /// channel_failing: the channel whose deliveries fail.
    public var channel: String?
    public var kind: Kind
    public var createdAt: Date
    /// missed_job: the first fire time that was missed.
    public var fireTime: Date?
    /// missed_job: the latest fire time missed while the alert stayed open.
    public var lastFireTime: Date?
    /// long_running: the run at fault; failed and too_fast: the first run of the incident.
    public var runID: String?
    /// failed and too_fast: the latest run of the incident.
    public var lastRunID: String?
    /// missed_job: how many fire times were missed while the alert stayed open.
    public var missedCount: Int
    /// failed and too_fast: how many runs it holds (a failed one opened at a threshold
    /// counts the runs in a row that reached it).
    public var failureCount: Int
    public var acknowledgedAt: Date?
    public var resolvedAt: Date?
    /// Why its opening was not notified yet: `snooze`, or `window:NAME`; nil once told.
    public var silenced: String?

    public var acknowledged: Bool { acknowledgedAt != nil }

    public init(
        id: Int64, jobID: String?, channel: String? = nil, kind: Kind, createdAt: Date, fireTime: Date? = nil,
        lastFireTime: Date? = nil,
        runID: String? = nil, lastRunID: String? = nil, missedCount: Int = 0, failureCount: Int = 0,
        acknowledgedAt: Date? = nil, resolvedAt: Date? = nil, silenced: String? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.channel = channel
        self.kind = kind
        self.createdAt = createdAt
        self.fireTime = fireTime
        self.lastFireTime = lastFireTime
        self.runID = runID
        self.lastRunID = lastRunID
        self.missedCount = missedCount
        self.failureCount = failureCount
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.silenced = silenced
    }
}
