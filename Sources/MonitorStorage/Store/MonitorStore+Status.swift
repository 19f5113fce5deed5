import Config
import Foundation
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
        return try await read { session in
            guard let job = try Self.fetchJob(session, jobID) else { return nil }
            return (job, JobStatus.derive(job: job, facts: try Self.statusFacts(session, jobID: jobID), now: now))
        }
    }

    /// Every job with its derived status, by job id: the same derivation as
    /// ``status(jobID:)``, with a few queries for all jobs instead of a few per job.
    public func statuses() async throws -> [(job: Job, status: JobStatus)] {
        let now = clock.now
        return try await read { session in
            try Self.fetchStatuses(session, jobs: try self.allJobs(session), now: now)
        }
    }

    /// Every job with its derived status at `now`, by job id, inside the caller's transaction.
    static func fetchStatuses(_ session: any SQLSession, jobs: [Job], now: Date) throws -> [(
        job: Job, status: JobStatus
    )] {
        var statuses: [(job: Job, status: JobStatus)] = []
        statuses.reserveCapacity(jobs.count)
        try forEachJobFacts(session, jobs: jobs, withTotals: false) { job, facts, _ in
            statuses.append((job, JobStatus.derive(job: job, facts: facts, now: now)))
        }
        return statuses
    }

    /// Calls `body` with each of `jobs` (in the byte order of ids, as ``allJobs(_:)``
    /// gives them) and its status facts, and with `withTotals` its run totals, from one
    /// query over the job rows in id order: each row is paired with its job by walking
    /// both lists side by side, where a dictionary per fact, keyed by id, cost a sixth of
    /// a 10,000-job scrape in hashing (docs/performance.md). Open alerts, which few jobs
    /// have, are read apart.
    static func forEachJobFacts(
        _ session: any SQLSession, jobs: [Job], withTotals: Bool,
        _ body: (Job, JobStatus.Facts, JobMetrics.RunTotals) throws -> Void
    ) throws {
        var openAlerts: [String: [JobAlert]] = [:]
        try session.forEach("SELECT * FROM job_alerts WHERE resolved_at IS NULL ORDER BY id", []) { row in
            let alert = try Self.alert(from: row)
            if let jobID = alert.jobID { openAlerts[jobID, default: []].append(alert) }
        }
        // A job deleted since `jobs` was read (by another process) has no row: it has no
        // runs to tell of either. A row of a job written since has no job here: skipped.
        func withoutRow(_ job: Job) throws {
            try body(job, JobStatus.Facts(openAlerts: openAlerts[job.jobID] ?? []), JobMetrics.RunTotals())
        }
        var index = jobs.startIndex
        // Columns 0-5: the job's id and scalar facts; 6-15: its newest run (as
        // `run(from:at:)` reads it); 16-21 with `withTotals`: its run totals.
        try session.forEach(
            """
            SELECT c.job_id, (\(Self.lastStartSQL)), \(Self.lastEndSQL), \(Self.firstPingSQL),
                (\(Self.oldestOpenStartSQL(session.dialect))), s.failures, \(Self.runColumns(of: "r"))
                \(withTotals ? ", t.succeeded, t.failed, t.last_success_at, t.last_failure_at, t.last_start_time, t.last_end_time" : "")
            FROM job_configs c
            LEFT JOIN job_runs r ON r.id = (SELECT MAX(id) FROM job_runs WHERE job_id = c.job_id)
            LEFT JOIN failure_streaks s ON s.job_id = c.job_id
            \(withTotals ? "LEFT JOIN job_run_totals t ON t.job_id = c.job_id" : "")
            ORDER BY c.job_id\(session.dialect.byteOrder)
            """, []
        ) { row in
            guard index < jobs.endIndex else { return }
            let rowJobID = try row.text(0)
            while index < jobs.endIndex, jobs[index].jobID.utf8.lexicographicallyPrecedes(rowJobID.utf8) {
                try withoutRow(jobs[index])
                index += 1
            }
            guard index < jobs.endIndex, jobs[index].jobID == rowJobID else { return }
            let job = jobs[index]
            index += 1
            let facts = JobStatus.Facts(
                lastRun: row.isNull(6) ? nil : try Self.run(from: row, at: 6),
                lastStartTime: try row.optionalDate(1), lastEndTime: try row.optionalDate(2),
                firstPingTime: try row.optionalDate(3), oldestOpenRunStart: try row.optionalDate(4),
                openAlerts: openAlerts[rowJobID] ?? [], failureStreak: try row.optionalInt(5) ?? 0)
            var totals = JobMetrics.RunTotals()
            if withTotals, let succeeded = try row.optionalInt(16) {
                let start = try row.optionalDate(20)
                let end = try row.optionalDate(21)
                totals = JobMetrics.RunTotals(
                    succeeded: succeeded, failed: try row.int(17), lastSuccess: try row.optionalDate(18),
                    lastFailure: try row.optionalDate(19),
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
    private static func oldestOpenStartSQL(_ dialect: SQLDialect) -> String {
        openRunsSQL("start_time", of: "c.job_id", limit: "1", dialect: dialect)
    }

    static func statusFacts(_ session: any SQLSession, jobID: String) throws -> JobStatus.Facts {
        let job: [SQLValue] = [.text(jobID)]
        let lastRun = try session.fetchOne("SELECT * FROM job_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1", job)
            .map(run)
        let times = try session.fetchOne(
            """
            SELECT (\(lastStartSQL)), \(lastEndSQL), \(firstPingSQL), (\(oldestOpenStartSQL(session.dialect)))
            FROM job_configs c WHERE job_id = ?
            """, job)
        let alerts = try session.fetchAll(
            "SELECT * FROM job_alerts WHERE job_id = ? AND resolved_at IS NULL ORDER BY id", job
        ).map(alert)
        let streak = try session.fetchOne("SELECT failures FROM failure_streaks WHERE job_id = ?", job)?.int(0)
        return JobStatus.Facts(
            lastRun: lastRun, lastStartTime: try times?.optionalDate(0), lastEndTime: try times?.optionalDate(1),
            firstPingTime: try times?.optionalDate(2), oldestOpenRunStart: try times?.optionalDate(3),
            openAlerts: alerts, failureStreak: streak ?? 0)
    }
}
