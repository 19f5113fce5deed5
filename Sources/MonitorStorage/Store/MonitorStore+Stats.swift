import Foundation
import MonitorDomain

extension MonitorStore {
    /// The job's stats over the last 7 and 30 days. A window's whole days come from the
    /// day tallies of ``runDaysMigration`` (runs, results and lengths per day, kept as
    /// runs end), its first, partial day from the runs' index of ends (which holds each
    /// run's status and length, so no run's row is read and no date parsed); and the
    /// missed fire times from the alerts' `(job_id, id)` index. A job with a million runs
    /// in 30 days costs a few thousand tallies and one day of runs, not its history.
    ///
    /// Durations are quantiles of the lengths rounded down to three significant digits
    /// (`61.234 s` counts as `61.2 s`), so p50 and p95 are the exact nearest-rank values
    /// rounded so, at most 1% below them; under a second they are exact to the millisecond.
    public func jobStats(_ jobID: String) async throws -> [JobStats] {
        let now = clock.now
        return try await read { session in
            let job = try Self.requireJob(session, jobID)
            let windows = JobStats.windows.map { days in
                // To the millisecond first, as the database keeps instants: the window's first
                // day and its end must come from the same instant.
                let since = Timestamp.stored(now.addingTimeInterval(-Double(days) * 86_400))
                // The window's first day, partial, ends at the next midnight (UTC), where its
                // whole days begin.
                let firstDayEnd = Date(
                    timeIntervalSince1970: (since.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 + 86_400)
                return (
                    days: days, since: since, firstDay: String(Timestamp.databaseText(from: since).prefix(10)),
                    firstDayEnd: firstDayEnd
                )
            }
            guard let oldestDay = windows.map(\.firstDay).min() else { return [] }
            var tallies = Array(repeating: RunTally(), count: windows.count)
            try session.forEach(
                "SELECT day, bucket, runs, succeeded, failed FROM job_run_days WHERE job_id = ? AND day > ?",
                [.text(jobID), .text(oldestDay)]
            ) { row in
                let day = try row.text(0)
                for index in windows.indices where day > windows[index].firstDay {
                    tallies[index].add(
                        bucket: try row.int64(1), runs: try row.int(2), succeeded: try row.int(3),
                        failed: try row.int(4))
                }
            }
            for (index, window) in windows.enumerated() {
                try session.forEach(
                    Self.firstDayRunsSQL, [.text(jobID), .date(window.since), .date(window.firstDayEnd)]
                ) { row in
                    let status = try row.int(0)
                    tallies[index].add(
                        bucket: Self.lengthBucket(try row.optionalInt64(1)), runs: 1, succeeded: status == 1 ? 1 : 0,
                        failed: status == 2 ? 1 : 0)
                }
            }
            return try windows.enumerated().map { index, window in
                let missed =
                    try session.fetchOne(
                        """
                        SELECT COALESCE(SUM(missed_count), 0) FROM job_alerts
                        WHERE job_id = ? AND type = 'missed_job' AND fire_time >= ?
                        """, [.text(jobID), .date(window.since)])?.int(0) ?? 0
                let lengths = tallies[index].lengths()
                let watched = max(window.since, job.watchedSince)
                return JobStats(
                    days: window.days, runs: tallies[index].runs, succeeded: tallies[index].succeeded,
                    failed: tallies[index].failed,
                    expected: job.isPaused ? 0 : JobStats.expectedCount(job.definition, from: watched, to: now),
                    missed: missed, durationP50: JobStats.quantile(0.5, of: lengths),
                    durationP95: JobStats.quantile(0.95, of: lengths))
            }
        }
    }

    /// Per run that ended in `?2..<?3` (a window's first day): its status as a number (1
    /// succeeded, 2 failed, 0 else) and its length in milliseconds (nil without a start).
    static let firstDayRunsSQL = """
        SELECT CASE status WHEN 'succeeded' THEN 1 WHEN 'failed' THEN 2 ELSE 0 END, duration_ms
        FROM job_runs WHERE job_id = ?1 AND end_time >= ?2 AND end_time < ?3
        """
}
