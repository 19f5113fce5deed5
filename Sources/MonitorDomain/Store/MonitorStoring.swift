import Config
import Foundation

/// Everything the monitor keeps, as the engine, the API, the dashboard and sync use it.
///
/// ``MonitorStore`` (target `MonitorStorage`) implements it on one SQLite file; a
/// PostgreSQL store implements the same operations. An implementation must:
///
/// - answer "recorded" only once the change is durable (a `kill -9` right after loses
///   nothing), and publish each committed change on ``events``;
/// - make `startRun`, `endRun` and the deadline operations safe to repeat: a repeated
///   start with the same run id, an end for a run that already ended, a deadline
///   checked twice change nothing;
/// - throw ``MonitorError`` for what the caller did wrong (`not_found`, `conflict`,
///   `managed_by_sync`, ...) and `storage_full` or `storage_unavailable` while it
///   cannot write, never a database's own error type.
public protocol MonitorStoring: SyncTarget {
    /// Where the monitor's time comes from; tests give a manual clock.
    var clock: any MonitorClock { get }
    /// The changes this process commits, as they are committed.
    var events: StoreEvents { get }
    /// Where the data is, for logs: a file path, or a database URL without credentials.
    var location: String { get }

    // MARK: Jobs

    func jobs() async throws -> [Job]
    func job(_ jobID: String) async throws -> Job?
    /// The jobs of these ids that exist, in one read (a page of alerts names up to 50).
    func jobs(ids: [String]) async throws -> [Job]
    /// Creates (`created` true) or updates a job made through the API.
    ///
    /// Every change through the store records `author` in the audit log, in the change's
    /// own transaction (DESIGN 13).
    func saveJob(_ definition: JobDefinition, by author: ChangeAuthor) async throws -> (job: Job, created: Bool)
    /// Deletes a job; its runs and alerts stay in the history.
    func deleteJob(_ jobID: String, by author: ChangeAuthor) async throws
    /// An operator's pause or resume (DESIGN 11.4), by `author`; never the definition's
    /// `paused` of a synced job.
    func setPaused(_ jobID: String, _ paused: Bool, by author: ChangeAuthor, reason: String?) async throws -> Job
    /// Holds the job's notifications until `until`, at most 7 days from now.
    func snooze(_ jobID: String, until: Date, by author: ChangeAuthor, reason: String?) async throws -> Job
    /// Ends the job's snooze; what it held and is still open is told at once.
    func endSnooze(_ jobID: String, by author: ChangeAuthor) async throws -> Job

    // MARK: Status

    func status(jobID: String) async throws -> JobStatus
    func jobAndStatus(_ jobID: String) async throws -> (job: Job, status: JobStatus)?
    func statuses() async throws -> [(job: Job, status: JobStatus)]
    /// Success rate, on-time rate and durations over the last 7 and 30 days, from indexes.
    func jobStats(_ jobID: String) async throws -> [JobStats]
    /// Every job's status and run totals, the outbox's depth and the latest applies, for
    /// `GET /metrics`: a few queries for all jobs, never one per job.
    func metricsSnapshot() async throws -> MetricsSnapshot

    // MARK: Runs

    /// Records a start (DESIGN.md §4, §10.2): the same run id again changes nothing, and
    /// a start for a run that already ended joins it without reopening it.
    func startRun(_ job: JobReference, _ start: RunStart) async throws -> (run: JobRun, created: Bool)
    /// Records an end: closes the named run, else the job's oldest open one, else records
    /// a run without a start. An end for a run that already ended changes nothing.
    func endRun(_ job: JobReference, _ end: RunEnd) async throws -> JobRun
    /// Adds output to a run without changing its state (`/ping/{uuid}/log`): the named run,
    /// else the job's newest. Nil when the job has no run to add it to.
    func logRun(_ job: JobReference, runID: String?, output: RunOutput) async throws -> JobRun?
    /// A run's stored output; nil when its pings carried none.
    func runOutput(_ runID: String) async throws -> RunOutput?
    /// The first `limit` bytes of each run's output, by run id, for pages that list runs.
    func runOutputPreviews(_ runIDs: [String], limit: Int) async throws -> [String: RunOutput]
    func runs(_ query: RunQuery) async throws -> Page<JobRun>

    // MARK: Alerts

    func alerts(_ query: AlertQuery) async throws -> Page<JobAlert>
    func acknowledgeAlert(_ id: Int64, by author: ChangeAuthor) async throws -> JobAlert
    func alertCounts(jobID: String?, kind: JobAlert.Kind?) async throws -> AlertCounts

    // MARK: Notification channels

    /// Every notification channel, by name (channels come from sync only).
    func channels() async throws -> [Channel]
    /// Every maintenance window, by name (windows come from sync only).
    func windows() async throws -> [MaintenanceWindow]
    /// Queues a `test` event to a channel; 404 when there is no such channel.
    func enqueueTest(channel: String) async throws -> Delivery
    /// Tells the openings that snoozes and windows held once they end, and forgets ended snoozes.
    func releaseSilencedAlerts(at now: Date) async throws -> Int
    /// Queues reminders of open, unacknowledged alerts on channels with `repeat_every`.
    func enqueueReminders(at now: Date) async throws -> Int
    /// Pending deliveries due by `now`, the first of each channel and alert only.
    /// `excluding` names channels whose deliveries are left out (held chat channels).
    func dueDeliveries(at now: Date, limit: Int, excluding held: Set<String>) async throws -> [Delivery]
    /// When the next pending delivery is due, if any is pending.
    func nextDeliveryAttempt() async throws -> Date?
    func recordAttempts(_ outcomes: [(id: Int64, outcome: DeliveryOutcome)]) async throws
    /// Puts off, in one statement, every pending delivery of a channel due by `now` but
    /// `probe` (whose own outcome is recorded with the others), until `until`; those whose
    /// event would then be over 24 hours old fail instead.
    func postponeDeliveries(
        channel: String, dueBy now: Date, except probe: Int64, until: Date, statusCode: Int?, error: String
    ) async throws
    /// A page of the delivery log, newest first.
    func deliveries(_ query: DeliveryQuery) async throws -> Page<Delivery>
    /// Each channel's latest attempted delivery and oldest pending one, by channel name.
    func channelDeliveryStates() async throws -> [String: ChannelDeliveryState]
    func alert(_ id: Int64) async throws -> JobAlert?
    func run(_ runID: String) async throws -> JobRun?
    /// The runs of these ids that exist, in one read.
    func runs(ids: [String]) async throws -> [JobRun]
    /// One apply of the sync history, for a `sync_failed` notification.
    func syncRecord(id: Int64) async throws -> SyncRecord?

    // MARK: Keys, sessions and the audit log (DESIGN 13)

    /// Makes a key; answers it with its secret, shown this once and kept only as a hash.
    func createKey(name: String, scope: AccessScope, jobs: [String], tags: [String], by author: ChangeAuthor)
        async throws -> (key: APIKey, secret: String)
    /// Revokes a key and ends its sessions.
    func revokeKey(_ name: String, by author: ChangeAuthor) async throws -> APIKey
    /// Every key made, revoked ones too.
    func keys() async throws -> [APIKey]
    /// Every key with its secret's hash, and the keys' version, for an in-memory key ring.
    func keyHashes() async throws -> (version: Int64, keys: [(hash: String, key: APIKey)])
    /// Grows with every change to the keys, by any process.
    func keysVersion() async throws -> Int64
    func openSession(tokenHash: String, secretHash: String, name: String, expires: Date) async throws
    /// The secret hash and expiry of an open, unexpired session.
    func session(tokenHash: String) async throws -> (secretHash: String, expires: Date)?
    func closeSession(tokenHash: String) async throws
    /// A page of the audit log, newest first.
    func audit(_ query: AuditQuery) async throws -> Page<AuditEntry>
    /// The secret badge URLs are signed with.
    func badgeSecret() async throws -> String

    // MARK: Sync

    func planSync(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func applySync(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func syncHistory(page: PageRequest) async throws -> Page<SyncRecord>

    // MARK: The alert engine

    /// Every job, the open runs, and how far deadlines were checked.
    func alertEngineSnapshot() async throws -> AlertEngineSnapshot
    /// Jobs changed after `sequence`, by this process or another; nil when none were.
    func jobChanges(after sequence: Int64) async throws -> (sequence: Int64, changed: Set<String>, jobs: [Job])?
    func openRuns(jobID: String) async throws -> [(runID: String, start: Date)]
    func pruneJobChanges(through sequence: Int64) async throws
    /// Records what the passed deadlines call for, with the new checked-through mark.
    func recordDeadlines(_ jobs: [DueFireTimes], runs: [DueRun], checkedThrough: Date?) async throws
        -> DeadlineOutcome

    /// A failure of this store in words, for logs.
    func describe(_ error: any Error) -> String

    func close() throws
}

extension MonitorStoring {
    public func startRun(jobID: String, _ start: RunStart) async throws -> (run: JobRun, created: Bool) {
        try await startRun(.id(jobID), start)
    }

    public func endRun(jobID: String, _ end: RunEnd) async throws -> JobRun {
        try await endRun(.id(jobID), end)
    }

    /// The latest applies, newest first.
    public func syncHistory(limit: Int = 20) async throws -> [SyncRecord] {
        try await syncHistory(page: PageRequest(page: 1, perPage: limit)).items
    }

    public func plan(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await planSync(files: files, source: source, options: options)
    }

    public func apply(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await applySync(files: files, source: source, options: options)
    }

    public func history(limit: Int) async throws -> [SyncRecord] {
        try await syncHistory(limit: limit)
    }
}
