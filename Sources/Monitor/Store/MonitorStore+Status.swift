import Foundation
import GRDB

extension MonitorStore {
    /// The job's derived status, read in one transaction so its parts agree.
    public func status(jobID: String) async throws -> JobStatus {
        let now = clock.now
        return try await read { db in
            let job = try Self.requireJob(db, jobID)
            return JobStatus.derive(job: job, facts: try Self.statusFacts(db, jobID: jobID), now: now)
        }
    }

    static func statusFacts(_ db: Database, jobID: String) throws -> JobStatus.Facts {
        let lastRun = try Row.fetchOne(
            db, sql: "SELECT * FROM job_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1", arguments: [jobID]
        ).map(run)
        let lastFinished = try Row.fetchOne(
            db,
            sql:
                "SELECT * FROM job_runs WHERE job_id = ? AND status != 'running' ORDER BY end_time DESC, id DESC LIMIT 1",
            arguments: [jobID]
        ).map(run)
        let lastStart = try Date.fetchOne(
            db, sql: "SELECT MAX(start_time) FROM job_runs WHERE job_id = ?", arguments: [jobID])
        let openStarts = try Date.fetchAll(
            db,
            sql: "SELECT start_time FROM job_runs WHERE job_id = ? AND status = 'running' AND start_time IS NOT NULL",
            arguments: [jobID])
        let alerts = try Row.fetchAll(
            db, sql: "SELECT * FROM job_alerts WHERE job_id = ? AND resolved_at IS NULL ORDER BY id", arguments: [jobID]
        ).map(alert)
        return JobStatus.Facts(
            lastRun: lastRun, lastFinishedRun: lastFinished, lastStartTime: lastStart, openRunStarts: openStarts,
            openAlerts: alerts)
    }
}
