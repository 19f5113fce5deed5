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
        // Cursors decode each row where SQLite left it: fetchAll would copy every row
        // first, and look each column up by name in the copy (a tenth of a list's time).
        var lastRuns: [String: JobRun] = [:]
        let runs = try Row.fetchCursor(
            db,
            sql: """
                SELECT r.* FROM job_configs c
                JOIN job_runs r ON r.id = (SELECT MAX(id) FROM job_runs WHERE job_id = c.job_id)
                """)
        while let row = try runs.next() {
            let run = try Self.run(from: row)
            lastRuns[run.jobID] = run
        }
        var lastStarts: [String: Date] = [:]
        var lastEnds: [String: Date] = [:]
        var firstPings: [String: Date] = [:]
        let times = try Row.fetchCursor(
            db,
            sql:
                "SELECT job_id, (\(Self.lastStartSQL)), \(Self.lastEndSQL), \(Self.firstPingSQL) FROM job_configs c"
        )
        while let row = try times.next() {
            if let start = Self.optionalDate(row, 1) { lastStarts[row[0]] = start }
            if let end = Self.optionalDate(row, 2) { lastEnds[row[0]] = end }
            if let first = Self.optionalDate(row, 3) { firstPings[row[0]] = first }
        }
        var oldestOpenStarts: [String: Date] = [:]
        let openStarts = try Row.fetchCursor(db, sql: "SELECT job_id, (\(Self.oldestOpenStartSQL)) FROM job_configs c")
        while let row = try openStarts.next() {
            if let start = Self.optionalDate(row, 1) { oldestOpenStarts[row[0]] = start }
        }
        var streaks: [String: Int] = [:]
        let failures = try Row.fetchCursor(db, sql: "SELECT job_id, failures FROM failure_streaks")
        while let row = try failures.next() {
            streaks[row[0]] = row[1]
        }
        var openAlerts: [String: [JobAlert]] = [:]
        let alerts = try Row.fetchCursor(db, sql: "SELECT * FROM job_alerts WHERE resolved_at IS NULL ORDER BY id")
        while let row = try alerts.next() {
            let alert = Self.alert(from: row)
            if let jobID = alert.jobID { openAlerts[jobID, default: []].append(alert) }
        }
        return jobs.map { job in
            let id = job.jobID
            let facts = JobStatus.Facts(
                lastRun: lastRuns[id], lastStartTime: lastStarts[id], lastEndTime: lastEnds[id],
                firstPingTime: firstPings[id], oldestOpenRunStart: oldestOpenStarts[id],
                openAlerts: openAlerts[id] ?? [], failureStreak: streaks[id] ?? 0)
            return (job, JobStatus.derive(job: job, facts: facts, now: now))
        }
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
