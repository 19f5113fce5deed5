import Config
import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    public func jobs() async throws -> [Job] {
        try await read { db in try Self.fetchAllJobs(db) }
    }

    /// Every job, by id.
    static func fetchAllJobs(_ db: Database) throws -> [Job] {
        // A cursor decodes each row where SQLite left it; fetchAll would copy every row first.
        try Array(Row.fetchCursor(db, sql: selectJobs("ORDER BY job_id")).map(job))
    }

    public func job(_ jobID: String) async throws -> Job? {
        try await read { db in try Self.fetchJob(db, jobID) }
    }

    static func fetchJob(_ db: Database, _ jobID: String) throws -> Job? {
        try Row.fetchOne(db, sql: selectJobs("WHERE job_id = ?"), arguments: [jobID]).map(job)
    }

    static func requireJob(_ db: Database, _ jobID: String) throws -> Job {
        guard let job = try fetchJob(db, jobID) else { throw MonitorError.jobNotFound(jobID) }
        return job
    }

    /// The 409 for changing a job that `cronicle-sync` manages, naming where to change it instead.
    static func managedBySync(_ job: Job) -> MonitorError {
        var place = job.origin.map { "\($0.file):\($0.line)" } ?? "its definition file"
        if let commit = job.origin?.commit { place += " (commit \(SyncSource.shortCommit(commit)))" }
        return MonitorError(
            .managedBySync, "job '\(job.jobID)' is managed by cronicle-sync from \(place); change it there")
    }

    /// Creates or updates a job through the API. Returns the job and whether it was created.
    /// Jobs that `cronicle-sync` manages are refused.
    public func saveJob(_ definition: JobDefinition) async throws -> (job: Job, created: Bool) {
        let now = clock.now
        let saved = try await write { db in
            let existing = try Self.fetchJob(db, definition.jobID)
            if let existing, existing.managedBy == .sync { throw Self.managedBySync(existing) }
            try Self.writeJob(db, definition, replacing: existing, owner: .api, at: now)
            return (try Self.requireJob(db, definition.jobID), existing == nil)
        }
        events.publish(.jobsChanged)
        return saved
    }

    /// Deletes a job made through the API; its runs and alerts stay in history, and its
    /// open alerts are resolved.
    public func deleteJob(_ jobID: String) async throws {
        let now = clock.now
        let resolved = try await write { db in
            let job = try Self.requireJob(db, jobID)
            if job.managedBy == .sync { throw Self.managedBySync(job) }
            return try Self.removeJob(db, jobID, at: now)
        }
        events.publish(.jobsChanged)
        events.publish(alerts: resolved)
    }

    /// Deletes a job's configuration and resolves its open alerts; its runs and alerts
    /// stay in history. Both the API's delete and sync's prune go through here.
    static func removeJob(_ db: Database, _ jobID: String, at now: Date) throws -> [AlertChange] {
        let resolved = try Row.fetchAll(
            db,
            sql: "UPDATE job_alerts SET resolved_at = ? WHERE job_id = ? AND resolved_at IS NULL RETURNING id, type",
            arguments: [now, jobID]
        ).map { row in
            AlertChange(
                alertID: row[0], jobID: jobID, kind: JobAlert.Kind(rawValue: row[1]) ?? .failed, change: .resolved)
        }
        // Told while the job still says which channels it reaches.
        try enqueueDeliveries(db, resolved, at: now)
        try db.execute(sql: "DELETE FROM job_configs WHERE job_id = ?", arguments: [jobID])
        return resolved
    }

    /// Pauses or resumes alerting. Resuming starts watching from now: fire times that
    /// passed while paused are not missed.
    public func setPaused(_ jobID: String, _ paused: Bool) async throws -> Job {
        let now = clock.now
        let job = try await write { db in
            let job = try Self.requireJob(db, jobID)
            guard job.definition.paused != paused else { return job }
            try db.execute(
                sql: """
                    UPDATE job_configs SET paused = ?, updated_at = ?,
                        watched_since = CASE WHEN ? THEN watched_since ELSE ? END
                    WHERE job_id = ?
                    """, arguments: [paused, now, paused, now, jobID])
            return try Self.requireJob(db, jobID)
        }
        events.publish(.jobsChanged)
        return job
    }
}
