import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// Every job's status and run totals, the outbox's depth and the latest applies, read
    /// in one transaction: the statuses' query for all jobs (``statuses()``) with the run
    /// totals the triggers of ``metricsMigration`` keep beside them, and two small reads
    /// from partial indexes and the sync history.
    public func metricsSnapshot() async throws -> MetricsSnapshot {
        let now = clock.now
        return try await read { db in
            var jobs: [JobMetrics] = []
            try Self.forEachJobFacts(db, jobs: try self.allJobs(db), withTotals: true) { job, facts, totals in
                jobs.append(
                    JobMetrics(job: job, status: JobStatus.derive(job: job, facts: facts, now: now), runs: totals))
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
