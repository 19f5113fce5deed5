import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// The job's stats over the last 7 and 30 days (durations to the millisecond, which is
    /// what timestamps keep), read in one pass over the longest window's runs through the
    /// runs' index of ends (which holds each run's status and length, so no run's row is
    /// read and no date parsed), and the alerts' `(job_id, id)` index: a job with a million runs costs the
    /// index entries of its last 30 days, not its history.
    public func jobStats(_ jobID: String) async throws -> [JobStats] {
        let now = clock.now
        return try await read { db in
            let job = try Self.requireJob(db, jobID)
            let windows = JobStats.windows.map { (days: $0, since: now.addingTimeInterval(-Double($0) * 86_400)) }
            guard let oldest = windows.map(\.since).min() else { return [] }
            // Per window: runs, succeeded, failed, durations. SQLite says which windows each
            // run is in (one 0-or-1 column per window) and what its status is, as numbers:
            // no text is decoded per run.
            var tallies = Array(
                repeating: (runs: 0, succeeded: 0, failed: 0, durations: [Double]()), count: windows.count)
            let cursor = try Row.fetchCursor(
                db.cachedStatement(sql: Self.runTallySQL(windows: windows.count)),
                arguments: StatementArguments(
                    windows.map { Timestamp.databaseText(from: $0.since) } + [
                        jobID, Timestamp.databaseText(from: oldest),
                    ]))
            while let row = try cursor.next() {
                let status: Int = row[0]
                let milliseconds: Int64? = row[1]
                let seconds = milliseconds.map { Double($0) / 1000 }
                for index in windows.indices where row[2 + index] as Int == 1 {
                    tallies[index].runs += 1
                    if status == 1 { tallies[index].succeeded += 1 }
                    if status == 2 { tallies[index].failed += 1 }
                    if let seconds { tallies[index].durations.append(seconds) }
                }
            }
            return try windows.enumerated().map { index, window in
                let missed =
                    try Double.fetchOne(
                        db,
                        sql: """
                            SELECT TOTAL(missed_count) FROM job_alerts
                            WHERE job_id = ? AND type = 'missed_job' AND fire_time >= ?
                            """, arguments: [jobID, window.since]) ?? 0
                let durations = tallies[index].durations.sorted()
                let watched = max(window.since, job.watchedSince)
                return JobStats(
                    days: window.days, runs: tallies[index].runs, succeeded: tallies[index].succeeded,
                    failed: tallies[index].failed,
                    expected: job.isPaused ? 0 : JobStats.expectedCount(job.definition, from: watched, to: now),
                    missed: Int(missed), durationP50: JobStats.quantile(0.5, of: durations),
                    durationP95: JobStats.quantile(0.95, of: durations))
            }
        }
    }

    /// Per run that ended since the oldest window began: its status as a number (1
    /// succeeded, 2 failed, 0 else), its length in milliseconds (nil without a start), and one
    /// 0-or-1 column per window. Arguments: each window's start, the job, the oldest start.
    static func runTallySQL(windows: Int) -> String {
        let inWindow = (0..<windows).map { _ in "end_time >= ?" }.joined(separator: ", ")
        return """
            SELECT CASE status WHEN 'succeeded' THEN 1 WHEN 'failed' THEN 2 ELSE 0 END,
                duration_ms,
                \(inWindow)
            FROM job_runs WHERE job_id = ? AND end_time >= ?
            """
    }
}
