import Config
import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// The job's derived status, read in one transaction so its parts agree.
    public func status(jobID: String) async throws -> JobStatus {
        guard let current = try await jobAndStatus(jobID) else { throw MonitorError.jobNotFound(jobID) }
        return current.status
    }

    /// The job and its derived status, read in one transaction; nil when there is no such job.
    public func jobAndStatus(_ jobID: String) async throws -> (job: Job, status: JobStatus)? {
        let now = clock.now
        return try await read { db in
            guard let job = try Self.fetchJob(db, jobID) else { return nil }
            return (job, JobStatus.derive(job: job, facts: try Self.statusFacts(db, jobID: jobID), now: now))
        }
    }

    /// Every job with its derived status, by job id: the same derivation as
    /// ``status(jobID:)``, with a few queries for all jobs instead of a few per job.
    public func statuses() async throws -> [(job: Job, status: JobStatus)] {
        let now = clock.now
        return try await read { db in try Self.fetchStatuses(db, jobs: try self.allJobs(db), now: now) }
    }

    /// Every job with its derived status at `now`, by job id, inside the caller's transaction.
    static func fetchStatuses(_ db: Database, jobs: [Job], now: Date) throws -> [(job: Job, status: JobStatus)] {
        var statuses: [(job: Job, status: JobStatus)] = []
        statuses.reserveCapacity(jobs.count)
        try forEachJobFacts(db, jobs: jobs, withTotals: false) { job, facts, _ in
            statuses.append((job, JobStatus.derive(job: job, facts: facts, now: now)))
        }
        return statuses
    }

    /// Calls `body` with each of `jobs` (in SQLite's order of ids, as ``allJobs(_:)``
    /// gives them) and its status facts, and with `withTotals` its run totals, from one
    /// query over the job rows in id order: each row is paired with its job by walking
    /// both lists side by side, where a dictionary per fact, keyed by id, cost a sixth of
    /// a 10,000-job scrape in hashing (docs/performance.md). Open alerts, which few jobs
    /// have, are read apart.
    static func forEachJobFacts(
        _ db: Database, jobs: [Job], withTotals: Bool,
        _ body: (Job, JobStatus.Facts, JobMetrics.RunTotals) throws -> Void
    ) throws {
        var openAlerts: [String: [JobAlert]] = [:]
        let alerts = try Row.fetchCursor(db, sql: "SELECT * FROM job_alerts WHERE resolved_at IS NULL ORDER BY id")
        while let row = try alerts.next() {
            let alert = Self.alert(from: row)
            if let jobID = alert.jobID { openAlerts[jobID, default: []].append(alert) }
        }
        // Columns 0-5: the job's id and scalar facts; 6-15: its newest run (as
        // `run(from:at:)` reads it); 16-21 with `withTotals`: its run totals.
        let statement = try db.cachedStatement(
            sql: """
                SELECT c.job_id, (\(Self.lastStartSQL)), \(Self.lastEndSQL), \(Self.firstPingSQL),
                    (\(Self.oldestOpenStartSQL)), s.failures, \(Self.runColumns(of: "r"))
                    \(withTotals ? ", t.succeeded, t.failed, t.last_success_at, t.last_failure_at, t.last_start_time, t.last_end_time" : "")
                FROM job_configs c
                LEFT JOIN job_runs r ON r.id = (SELECT MAX(id) FROM job_runs WHERE job_id = c.job_id)
                LEFT JOIN failure_streaks s ON s.job_id = c.job_id
                \(withTotals ? "LEFT JOIN job_run_totals t ON t.job_id = c.job_id" : "")
                ORDER BY c.job_id
                """)
        let rows = try Row.fetchCursor(statement)
        // A job deleted since `jobs` was read (by another process) has no row: it has no
        // runs to tell of either. A row of a job written since has no job here: skipped.
        func withoutRow(_ job: Job) throws {
            try body(job, JobStatus.Facts(openAlerts: openAlerts[job.jobID] ?? []), JobMetrics.RunTotals())
        }
        var index = jobs.startIndex
        while let row = try rows.next(), index < jobs.endIndex {
            let rowJobID: String = row[0]
            while index < jobs.endIndex, jobs[index].jobID.utf8.lexicographicallyPrecedes(rowJobID.utf8) {
                try withoutRow(jobs[index])
                index += 1
            }
            guard index < jobs.endIndex, jobs[index].jobID == rowJobID else { continue }
            let job = jobs[index]
            index += 1
            let facts = JobStatus.Facts(
                lastRun: row.hasNull(atIndex: 6) ? nil : try Self.run(from: row, at: 6, in: statement),
                lastStartTime: Self.optionalDate(row, 1, in: statement),
                lastEndTime: Self.optionalDate(row, 2, in: statement),
                firstPingTime: Self.optionalDate(row, 3, in: statement),
                oldestOpenRunStart: Self.optionalDate(row, 4, in: statement),
                openAlerts: openAlerts[rowJobID] ?? [], failureStreak: row[5] ?? 0)
            var totals = JobMetrics.RunTotals()
            if withTotals, let succeeded = row[16] as Int? {
                let start = Self.optionalDate(row, 20, in: statement)
                let end = Self.optionalDate(row, 21, in: statement)
                totals = JobMetrics.RunTotals(
                    succeeded: succeeded, failed: row[17], lastSuccess: Self.optionalDate(row, 18, in: statement),
                    lastFailure: Self.optionalDate(row, 19, in: statement),
                    lastDurationSeconds: start.flatMap { start in end.map { $0.timeIntervalSince(start) } })
            }
            try body(job, facts, totals)
        }
        for job in jobs[index...] { try withoutRow(job) }
    }

    /// When a run pinged: its start, or its end when it has no start (a Healthchecks
    /// success ping alone). What meets a job's expected time with `expect: start`; the
    /// index `job_runs_by_ping` is on this expression.
    static let pingTimeSQL = "COALESCE(start_time, end_time)"

    /// The column or expression whose time meets an expected time under `expect`.
    static func pingTimeSQL(_ expect: JobDefinition.Expect) -> String {
        expect == .end ? "end_time" : pingTimeSQL
    }

    /// The ping time of job `c.job_id`'s newest run. Runs are numbered as they
    /// are recorded, so this walks the job's index backwards instead of scanning its history.
    private static let lastStartSQL = """
        SELECT \(pingTimeSQL) FROM job_runs WHERE job_id = c.job_id AND \(pingTimeSQL) IS NOT NULL
        ORDER BY id DESC LIMIT 1
        """

    /// Job `c.job_id`'s latest end, read only for `expect: end` (one index look-up).
    private static let lastEndSQL = """
        CASE WHEN c.expect = 'end' THEN (SELECT MAX(end_time) FROM job_runs WHERE job_id = c.job_id) END
        """

    /// Job `c.job_id`'s first ping, start or end, read only for `watch_from: first_run`.
    private static let firstPingSQL = """
        CASE WHEN c.watch_from = 'first_run' THEN (SELECT MIN(\(pingTimeSQL)) FROM job_runs WHERE job_id = c.job_id) END
        """

    /// The start of job `c.job_id`'s oldest open run: the first entry of the index of open
    /// runs, so a job with 800,000 open runs costs what one with a single open run costs.
    private static let oldestOpenStartSQL = openRunsSQL("start_time", of: "c.job_id", limit: "1")

    static func statusFacts(_ db: Database, jobID: String) throws -> JobStatus.Facts {
        let lastRun = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM job_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1"),
            arguments: [jobID]
        ).map(run)
        let times = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT (\(lastStartSQL)), \(lastEndSQL), \(firstPingSQL) FROM job_configs c WHERE job_id = ?"),
            arguments: [jobID])
        let oldestOpenStart = try Date.fetchOne(
            db.cachedStatement(sql: "SELECT (\(oldestOpenStartSQL)) FROM job_configs c WHERE job_id = ?"),
            arguments: [jobID])
        let alerts = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM job_alerts WHERE job_id = ? AND resolved_at IS NULL ORDER BY id"),
            arguments: [jobID]
        ).map(alert)
        let streak = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT failures FROM failure_streaks WHERE job_id = ?"), arguments: [jobID])
        return JobStatus.Facts(
            lastRun: lastRun, lastStartTime: times?[0], lastEndTime: times?[1], firstPingTime: times?[2],
            oldestOpenRunStart: oldestOpenStart, openAlerts: alerts, failureStreak: streak ?? 0)
    }
}
