import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// The job's stats over the last 7 and 30 days (durations to the millisecond, which is
    /// what timestamps keep), read through the runs' `(job_id,
    /// end_time)` index and the alerts' `(job_id, id)` index: a job with a million runs
    /// costs the runs of its last 30 days, not its history.
    public func jobStats(_ jobID: String) async throws -> [JobStats] {
        let now = clock.now
        return try await read { db in
            let job = try Self.requireJob(db, jobID)
            return try JobStats.windows.map { days in
                let since = now.addingTimeInterval(-Double(days) * 86_400)
                let counts = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*), TOTAL(status = 'succeeded'), TOTAL(status = 'failed') FROM job_runs
                        WHERE job_id = ? AND end_time >= ?
                        """, arguments: [jobID, since])
                let durations = try Double.fetchAll(
                    db,
                    sql: """
                        SELECT ROUND((julianday(end_time) - julianday(start_time)) * 86400.0, 3) AS seconds FROM job_runs
                        WHERE job_id = ? AND end_time >= ? AND start_time IS NOT NULL ORDER BY seconds
                        """, arguments: [jobID, since])
                let missed =
                    try Double.fetchOne(
                        db,
                        sql: """
                            SELECT TOTAL(missed_count) FROM job_alerts
                            WHERE job_id = ? AND type = 'missed_job' AND fire_time >= ?
                            """, arguments: [jobID, since]) ?? 0
                let watched = max(since, job.watchedSince)
                return JobStats(
                    days: days, runs: counts?[0] ?? 0, succeeded: Int(counts?[1] ?? 0.0),
                    failed: Int(counts?[2] ?? 0.0),
                    expected: job.isPaused ? 0 : JobStats.expectedCount(job.definition, from: watched, to: now),
                    missed: Int(missed), durationP50: JobStats.quantile(0.5, of: durations),
                    durationP95: JobStats.quantile(0.95, of: durations))
            }
        }
    }
}
