import Foundation
import GRDB
import MonitorDomain

/// A job whose awaited fire times have reached their deadlines, for the store to check
/// against the starts it recorded.
package struct DueFireTimes: Sendable {
    package var jobID: String
    /// Ascending; each one's deadline (fire time + tolerance) has passed.
    package var fireTimes: [Date]
    package var tolerance: TimeInterval
    /// How early a start may come and still count (DESIGN.md §4).
    package var earlyAllowance: TimeInterval

    package init(jobID: String, fireTimes: [Date], tolerance: TimeInterval, earlyAllowance: TimeInterval) {
        self.jobID = jobID
        self.fireTimes = fireTimes
        self.tolerance = tolerance
        self.earlyAllowance = earlyAllowance
    }
}

/// A run whose `max_runtime` has passed while it may still be running.
package struct DueRun: Sendable {
    package var runID: String
    package var jobID: String

    package init(runID: String, jobID: String) {
        self.runID = runID
        self.jobID = jobID
    }
}

/// What the alert engine loads when it starts.
package struct AlertEngineSnapshot: Sendable {
    package var changeSequence: Int64
    package var checkedThrough: Date?
    package var jobs: [Job]
    package var openRuns: [(runID: String, jobID: String, start: Date)]
}

/// What one check of due deadlines wrote.
public struct DeadlineOutcome: Sendable, Equatable {
    /// Fire times newly recorded as missed (added to an incident or opening one).
    public var missedFireTimes = 0
    public var longRunningAlerts = 0

    public init(missedFireTimes: Int = 0, longRunningAlerts: Int = 0) {
        self.missedFireTimes = missedFireTimes
        self.longRunningAlerts = longRunningAlerts
    }
}

extension MonitorStore {
    static let checkedThroughKey = "alerts_checked_through"

    package func alertEngineSnapshot() async throws -> AlertEngineSnapshot {
        try await read { db in
            let sequence = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM job_config_changes") ?? 0
            let checked = try String.fetchOne(
                db, sql: "SELECT value FROM monitor_state WHERE key = ?", arguments: [Self.checkedThroughKey])
            let jobs = try Self.fetchAllJobs(db)
            let openRuns = try Row.fetchAll(
                db,
                sql:
                    "SELECT run_id, job_id, start_time FROM job_runs WHERE status = 'running' AND start_time IS NOT NULL"
            ).map { row in (runID: row[0] as String, jobID: row[1] as String, start: row[2] as Date) }
            return AlertEngineSnapshot(
                changeSequence: sequence, checkedThrough: checked.flatMap { Date.fromDatabaseValue($0.databaseValue) },
                jobs: jobs, openRuns: openRuns)
        }
    }

    /// Jobs changed after `sequence` (by this process or another), with their current
    /// configuration; a job missing from `jobs` was deleted.
    package func jobChanges(after sequence: Int64) async throws -> (sequence: Int64, changed: Set<String>, jobs: [Job])?
    {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, job_id FROM job_config_changes WHERE seq > ? ORDER BY seq", arguments: [sequence])
            guard let last = rows.last else { return nil }
            let changed = Set(rows.map { $0[1] as String })
            var jobs: [Job] = []
            for jobID in changed {
                if let job = try Self.fetchJob(db, jobID) { jobs.append(job) }
            }
            return (last[0], changed, jobs)
        }
    }

    /// Open runs of one job, to recompute their long-running deadlines after its `max_runtime` changed.
    package func openRuns(jobID: String) async throws -> [(runID: String, start: Date)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, start_time FROM job_runs
                    WHERE job_id = ? AND status = 'running' AND start_time IS NOT NULL
                    """, arguments: [jobID]
            ).map { row in (runID: row[0] as String, start: row[1] as Date) }
        }
    }

    /// Forgets change-log entries the engine has read.
    package func pruneJobChanges(through sequence: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM job_config_changes WHERE seq <= ?", arguments: [sequence])
        }
    }

    /// Records what the deadlines that passed say, in one transaction with the
    /// instant through which every deadline has now been checked.
    ///
    /// Each fire time counts as met when a start arrived in its window (`fire time −
    /// early allowance` to `fire time + tolerance`); checked here, on the single writer,
    /// so a start cannot slip in between the check and the alert. Missed fire times join
    /// the job's open missed_job incident or open one. Fire times already recorded are
    /// skipped, so checking a deadline twice (after a crash) changes nothing.
    package func recordDeadlines(_ jobs: [DueFireTimes], runs: [DueRun], checkedThrough: Date?) async throws
        -> DeadlineOutcome
    {
        let now = clock.now
        let nowText = Timestamp.databaseText(from: now)
        let (outcome, changes) = try await write { db -> (DeadlineOutcome, [AlertChange]) in
            var outcome = DeadlineOutcome()
            var changes: [AlertChange] = []
            for due in jobs {
                outcome.missedFireTimes += try Self.recordMisses(db, due, now: nowText, changes: &changes)
            }
            for run in runs {
                let opened = try Int64.fetchAll(
                    db,
                    sql: """
                        INSERT INTO job_alerts (job_id, type, created_at, run_id)
                        SELECT job_id, 'long_running', ?, run_id FROM job_runs WHERE run_id = ? AND status = 'running'
                        ON CONFLICT (run_id) WHERE type = 'long_running' DO NOTHING
                        RETURNING id
                        """, arguments: [nowText, run.runID])
                outcome.longRunningAlerts += opened.count
                changes += opened.map {
                    AlertChange(alertID: $0, jobID: run.jobID, kind: .longRunning, change: .opened)
                }
            }
            if let checkedThrough {
                try db.execute(
                    sql: """
                        INSERT INTO monitor_state (key, value) VALUES (?, ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """, arguments: [Self.checkedThroughKey, Timestamp.databaseText(from: checkedThrough)])
            }
            return (outcome, changes)
        }
        events.publish(alerts: changes)
        return outcome
    }

    /// Records the missed fire times among `due`'s, grouped into incidents: one database
    /// write per incident, not per fire time, and one index lookup per start that meets
    /// or ends something (``StartCursor``), so a job down for a week costs a few
    /// statements however often it fires.
    private static func recordMisses(
        _ db: Database, _ due: DueFireTimes, now: String, changes: inout [AlertChange]
    ) throws -> Int {
        guard !due.fireTimes.isEmpty else { return 0 }
        var starts = StartCursor(jobID: due.jobID)
        let latest = try Row.fetchOne(
            db,
            sql: """
                SELECT id, last_fire_time, resolved_at FROM job_alerts
                WHERE job_id = ? AND type = 'missed_job' ORDER BY id DESC LIMIT 1
                """, arguments: [due.jobID])
        let latestLastFire: Date? = latest?[1]
        /// The incident misses are added to: its id (nil until inserted), first and last
        /// fire time, and the misses not yet written.
        var open: (id: Int64?, firstFire: Date, lastFire: Date, pending: Int)? = nil
        if let latest, latest[2] as Date? == nil, let latestLastFire {
            open = (latest[0], latestLastFire, latestLastFire, 0)
        }
        func flush() throws {
            guard let current = open, current.pending > 0 else { return }
            if let id = current.id {
                try db.execute(
                    sql: "UPDATE job_alerts SET missed_count = missed_count + ?, last_fire_time = ? WHERE id = ?",
                    arguments: [current.pending, current.lastFire, id])
                changes.append(AlertChange(alertID: id, jobID: due.jobID, kind: .missedJob, change: .updated))
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO job_alerts (job_id, type, created_at, fire_time, last_fire_time, missed_count)
                        VALUES (?, 'missed_job', ?, ?, ?, ?)
                        """, arguments: [due.jobID, now, current.firstFire, current.lastFire, current.pending])
                open?.id = db.lastInsertedRowID
                changes.append(
                    AlertChange(alertID: db.lastInsertedRowID, jobID: due.jobID, kind: .missedJob, change: .opened))
            }
            open?.pending = 0
        }
        func close(resolvedAt start: Date) throws {
            try flush()
            if let id = open?.id {
                try resolve(db, id, at: start)
                changes.append(AlertChange(alertID: id, jobID: due.jobID, kind: .missedJob, change: .resolved))
            }
            open = nil
        }
        var recorded = 0
        for fireTime in due.fireTimes where latestLastFire.map({ fireTime > $0 }) ?? true {
            let opening = fireTime.addingTimeInterval(-due.earlyAllowance)
            if let start = try starts.first(db, atOrAfter: opening), start <= fireTime.addingTimeInterval(due.tolerance)
            {
                continue  // met
            }
            // A start after the open incident's last deadline (too early for this fire time)
            // ended that incident: this miss opens a new one.
            if let current = open,
                let start = try starts.first(db, atOrAfter: current.lastFire.addingTimeInterval(due.tolerance)),
                start <= opening
            {
                try close(resolvedAt: start)
            }
            if open == nil {
                open = (nil, fireTime, fireTime, 1)
            } else {
                open!.lastFire = fireTime
                open!.pending += 1
            }
            recorded += 1
        }
        try flush()
        // Recorded late (the monitor was down or behind) for a job that has run since:
        // the incident is already over.
        if let current = open,
            let start = try starts.first(db, atOrAfter: current.lastFire.addingTimeInterval(due.tolerance + 0.001))
        {
            try close(resolvedAt: start)
        }
        return recorded
    }

    private static func resolve(_ db: Database, _ alertID: Int64, at date: Date) throws {
        try db.execute(
            sql: "UPDATE job_alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
            arguments: [date, alertID])
    }
}

/// The earliest start of one job at or after an instant, remembered between questions:
/// while the instants asked about grow and stay before the start last found, that start
/// is still the answer, so the checks of consecutive fire times that start met or missed
/// cost one look into the `(job_id, start_time)` index in all.
private struct StartCursor {
    let jobID: String
    /// The last question asked of the database, and its answer (nil: no start from then on).
    private var asked: (from: Date, first: Date?)?

    init(jobID: String) {
        self.jobID = jobID
    }

    mutating func first(_ db: Database, atOrAfter instant: Date) throws -> Date? {
        if let asked, asked.from <= instant, asked.first.map({ instant <= $0 }) ?? true {
            return asked.first
        }
        let first = try Date.fetchOne(
            db.cachedStatement(sql: "SELECT MIN(start_time) FROM job_runs WHERE job_id = ? AND start_time >= ?"),
            arguments: [jobID, Timestamp.databaseText(from: instant)])
        asked = (instant, first)
        return first
    }
}
