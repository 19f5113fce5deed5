import Config
import Foundation

/// A job as the monitor stores it: its definition, who manages it, and when it changed.
public struct Job: Sendable, Hashable {
    /// Who may change a job: the REST API, or `cronicle-sync` (read-only through the API).
    public enum ManagedBy: String, Sendable, Hashable, Codable {
        case api
        case sync
    }

    /// Where a synced job is defined: the identity of the sync source that owns it, its
    /// repository and commit, and the file and line of its definition. The API and pages
    /// call it `source`.
    public struct Origin: Sendable, Hashable, Codable {
        /// The owning source's ``SyncSource/identity``; nil for a job synced before sources
        /// had identities and not applied since.
        public var identity: String?
        public var repository: String?
        public var file: String
        public var line: Int
        public var commit: String?

        public init(
            identity: String? = nil, repository: String? = nil, file: String, line: Int, commit: String? = nil
        ) {
            self.identity = identity
            self.repository = repository
            self.file = file
            self.line = line
            self.commit = commit
        }

        /// Whether `source` owns what this describes (DESIGN 12): the same identity, or,
        /// for something recorded before identities, the repository that source recorded
        /// then (nil for every folder).
        public func isOwned(by source: SyncSource) -> Bool {
            if let identity { return identity == source.identity }
            return repository == source.legacyRepository
        }

        /// Whether `source` may delete what this describes when it no longer defines it:
        /// what it owns, except something a folder synced before identities, which any
        /// folder claimed then, so no folder may prune it now.
        public func isPrunable(by source: SyncSource) -> Bool {
            isOwned(by: source) && (identity != nil || repository != nil)
        }

        /// The owner as a message names it.
        public var ownerDescription: String {
            identity ?? repository ?? "a folder (applied before sources had names)"
        }
    }

    /// An operator's pause (`POST /jobs/{id}/pause`, the dashboard, `cronicle pause`),
    /// kept apart from the definition's `paused`: an apply never changes it, and it is
    /// not drift (DESIGN 11.4).
    public struct OperatorPause: Sendable, Hashable {
        public var at: Date
        /// Who paused it, as the request named them.
        public var by: String
        public var reason: String?

        public init(at: Date, by: String, reason: String? = nil) {
            self.at = at
            self.by = by
            self.reason = reason
        }
    }

    /// A snooze: the job's notifications are held until `until`; its alerts still open,
    /// and those still open then are told (DESIGN 11.4).
    public struct Snooze: Sendable, Hashable {
        public var until: Date
        public var by: String
        public var reason: String?

        public init(until: Date, by: String, reason: String? = nil) {
            self.until = until
            self.by = by
            self.reason = reason
        }

        /// The longest snooze: an on-call silence, not a way to stop watching a job
        /// (pause it, or remove it, for that).
        public static let longest: TimeInterval = 7 * 86_400

        /// The refusal of a snooze that ends too late (or never).
        public static let tooLong =
            "a snooze lasts at most 7 days; to stop watching a job for longer, pause it (cronicle pause JOB, or "
            + "POST /jobs/{job_id}/pause) or set paused: true in its definition"
    }

    public var definition: JobDefinition
    public var managedBy: ManagedBy
    public var operatorPause: OperatorPause?
    /// The latest snooze; it silences nothing once `until` has passed.
    public var snooze: Snooze?

    /// Whether the job raises no alerts: paused in its definition, or by an operator.
    public var isPaused: Bool { definition.paused || operatorPause != nil }

    /// The snooze in force at `now`, if any.
    public func activeSnooze(at now: Date) -> Snooze? {
        guard let snooze, snooze.until > now else { return nil }
        return snooze
    }
    public var origin: Origin?
    public var createdAt: Date
    public var updatedAt: Date
    /// Fire times before this instant are not expected: the job's creation, or its last resume.
    public var watchedSince: Date

    public var jobID: String { definition.jobID }

    public init(
        definition: JobDefinition, managedBy: ManagedBy = .api, origin: Origin? = nil, createdAt: Date, updatedAt: Date,
        watchedSince: Date
    ) {
        self.definition = definition
        self.managedBy = managedBy
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.watchedSince = watchedSince
    }
}
