import Foundation
import MonitorDomain

extension MonitorStore {
    /// Every job's status and run totals, the outbox's depth and the latest applies, read
    /// in one transaction: the statuses' query for all jobs (``statuses()``) with the run
    /// totals the triggers of ``metricsMigration`` keep beside them, and two small reads
    /// from partial indexes and the sync history.
    public func metricsSnapshot() async throws -> MetricsSnapshot {
        let now = clock.now
        return try await read { session in
            var jobs: [JobMetrics] = []
            try Self.forEachJobFacts(session, jobs: try self.allJobs(session), withTotals: true) { job, facts, totals in
                jobs.append(
                    JobMetrics(job: job, status: JobStatus.derive(job: job, facts: facts, now: now), runs: totals))
            }
            let outbox = try session.fetchOne(
                "SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status = 'pending'")
            var lastApplies: [SyncRecord.Result: Date] = [:]
            for row in try session.fetchAll(
                """
                SELECT result, applied_at FROM sync_history
                WHERE id IN (SELECT MAX(id) FROM sync_history GROUP BY result)
                """)
            {
                if let result = SyncRecord.Result(rawValue: try row.text(0)) { lastApplies[result] = try row.date(1) }
            }
            return MetricsSnapshot(
                jobs: jobs, pendingDeliveries: try outbox?.int(0) ?? 0,
                oldestPendingDelivery: try outbox?.optionalDate(1), lastApplies: lastApplies)
        }
    }
}
