import Config
import Cron
import Foundation
import Synchronization

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

    /// The fields, behind one reference. The job list, `GET /jobs` and `/metrics` pass
    /// 10,000 jobs through arrays and tuples, and copying the struct retained every string
    /// and list in it: a fifth of the job list's time (docs/performance.md). Now a copy is
    /// one retain, and a change copies the fields first when another job shares them.
    private final class Storage: @unchecked Sendable {
        // Unchecked: fields change only through `Job`'s `_modify` accessors, which first
        // make the storage unique to the job being changed, so no two threads ever share
        // a storage that changes.
        var definition: JobDefinition
        var managedBy: ManagedBy
        var operatorPause: OperatorPause?
        var snooze: Snooze?
        var origin: Origin?
        var createdAt: Date
        var updatedAt: Date
        var watchedSince: Date
        /// The definition's parsed schedule once asked for (``Job/cronSchedule``), with
        /// its recent answers; both forgotten when the definition changes.
        let schedule = Mutex<ParsedSchedule>(.unknown)

        enum ParsedSchedule: Sendable {
            case unknown
            /// nil for a job without a cron schedule.
            case known(FireTimeMemo?)
        }

        init(
            definition: JobDefinition, managedBy: ManagedBy, operatorPause: OperatorPause?, snooze: Snooze?,
            origin: Origin?, createdAt: Date, updatedAt: Date, watchedSince: Date
        ) {
            self.definition = definition
            self.managedBy = managedBy
            self.operatorPause = operatorPause
            self.snooze = snooze
            self.origin = origin
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.watchedSince = watchedSince
        }

        func copy() -> Storage {
            Storage(
                definition: definition, managedBy: managedBy, operatorPause: operatorPause, snooze: snooze,
                origin: origin, createdAt: createdAt, updatedAt: updatedAt, watchedSince: watchedSince)
        }
    }

    private var storage: Storage

    /// The storage, copied first if another job shares it: before every change.
    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var definition: JobDefinition {
        _read { yield storage.definition }
        _modify {
            let storage = uniqueStorage()
            defer { storage.schedule.withLock { $0 = .unknown } }
            yield &storage.definition
        }
    }

    /// The definition's schedule, ready for fire times (``JobDefinition/cronSchedule``),
    /// looked up once per job rather than at each use: finding it by expression and zone
    /// cost a twentieth of the job list's time, asked for each of 10,000 jobs at every
    /// request while the jobs themselves come from memory.
    public var cronSchedule: CronSchedule? {
        parsedSchedule?.schedule
    }

    /// The first fire time of the job's cron schedule strictly after `date`; nil without
    /// one. The same as `cronSchedule?.nextFireTime(after:)`, answered from the job's recent
    /// answers when they cover `date` (``FireTimeMemo``).
    public func nextFireTime(after date: Date) -> Date? {
        parsedSchedule?.next(after: date)
    }

    /// The last fire time of the job's cron schedule strictly before `date`; nil without
    /// one. The same as `cronSchedule?.previousFireTime(before:)`, remembered like
    /// ``nextFireTime(after:)``.
    public func previousFireTime(before date: Date) -> Date? {
        parsedSchedule?.previous(before: date)
    }

    private var parsedSchedule: FireTimeMemo? {
        if case .known(let memo) = storage.schedule.withLock({ $0 }) { return memo }
        let memo = definition.cronSchedule.map(FireTimeMemo.init)
        storage.schedule.withLock { $0 = .known(memo) }
        return memo
    }
    public var managedBy: ManagedBy {
        _read { yield storage.managedBy }
        _modify { yield &uniqueStorage().managedBy }
    }
    public var operatorPause: OperatorPause? {
        _read { yield storage.operatorPause }
        _modify { yield &uniqueStorage().operatorPause }
    }
    /// The latest snooze; it silences nothing once `until` has passed.
    public var snooze: Snooze? {
        _read { yield storage.snooze }
        _modify { yield &uniqueStorage().snooze }
    }

    /// Whether the job raises no alerts: paused in its definition, or by an operator.
    public var isPaused: Bool { definition.paused || operatorPause != nil }

    /// The snooze in force at `now`, if any.
    public func activeSnooze(at now: Date) -> Snooze? {
        guard let snooze, snooze.until > now else { return nil }
        return snooze
    }
    public var origin: Origin? {
        _read { yield storage.origin }
        _modify { yield &uniqueStorage().origin }
    }
    public var createdAt: Date {
        _read { yield storage.createdAt }
        _modify { yield &uniqueStorage().createdAt }
    }
    public var updatedAt: Date {
        _read { yield storage.updatedAt }
        _modify { yield &uniqueStorage().updatedAt }
    }
    /// Fire times before this instant are not expected: the job's creation, or its last resume.
    public var watchedSince: Date {
        _read { yield storage.watchedSince }
        _modify { yield &uniqueStorage().watchedSince }
    }

    public var jobID: String { definition.jobID }

    public init(
        definition: JobDefinition, managedBy: ManagedBy = .api, origin: Origin? = nil, createdAt: Date, updatedAt: Date,
        watchedSince: Date
    ) {
        storage = Storage(
            definition: definition, managedBy: managedBy, operatorPause: nil, snooze: nil, origin: origin,
            createdAt: createdAt, updatedAt: updatedAt, watchedSince: watchedSince)
    }

    public static func == (lhs: Job, rhs: Job) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.definition == rhs.definition && lhs.managedBy == rhs.managedBy
                && lhs.operatorPause == rhs.operatorPause && lhs.snooze == rhs.snooze && lhs.origin == rhs.origin
                && lhs.createdAt == rhs.createdAt && lhs.updatedAt == rhs.updatedAt
                && lhs.watchedSince == rhs.watchedSince)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(definition)
        hasher.combine(managedBy)
        hasher.combine(operatorPause)
        hasher.combine(snooze)
        hasher.combine(origin)
        hasher.combine(createdAt)
        hasher.combine(updatedAt)
        hasher.combine(watchedSince)
    }
}
