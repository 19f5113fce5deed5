import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// Every job's status and run totals, the outbox's depth and the latest applies, read
    /// in one transaction: the statuses' few queries for all jobs (``statuses()``), one
    /// read of the run totals the triggers of ``metricsMigration`` keep, and two small
    /// reads from partial indexes and the sync history.
    public func metricsSnapshot() async throws -> MetricsSnapshot {
        let now = clock.now
        return try await read { db in
            var totals: [String: JobMetrics.RunTotals] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT job_id, succeeded, failed, last_success_at, last_failure_at, last_start_time, last_end_time
                    FROM job_run_totals
                    """)
            while let row = try rows.next() {
                let start = Self.optionalDate(row, 5)
                let end = Self.optionalDate(row, 6)
                totals[row[0]] = JobMetrics.RunTotals(
                    succeeded: row[1], failed: row[2], lastSuccess: Self.optionalDate(row, 3),
                    lastFailure: Self.optionalDate(row, 4),
                    lastDurationSeconds: start.flatMap { start in end.map { $0.timeIntervalSince(start) } })
            }
            let jobs = try Self.fetchStatuses(db, jobs: try self.allJobs(db), now: now).map { job, status in
                JobMetrics(job: job, status: status, runs: totals[job.jobID] ?? JobMetrics.RunTotals())
            }
            let outbox = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status = 'pending'")
            var lastApplies: [SyncRecord.Result: Date] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT result, applied_at FROM sync_history
                    WHERE id IN (SELECT MAX(id) FROM sync_history GROUP BY result)
                    """)
            {
                if let result = SyncRecord.Result(rawValue: row[0]) { lastApplies[result] = row[1] }
            }
            return MetricsSnapshot(
                jobs: jobs, pendingDeliveries: outbox?[0] ?? 0, oldestPendingDelivery: outbox?[1],
                lastApplies: lastApplies)
        }
    }
}
