import Config
import Foundation
import MonitorDomain

extension MonitorStore {
    /// Who a job row belongs to: the API, or `cronicle-sync` applying `source`.
    enum JobOwner {
        case api
        case sync(SyncSource)
    }

    /// The one writer of a job's row, for the API's save and sync's apply: inserts
    /// `definition`, or updates the row of `existing` to it. A changed schedule, time zone
    /// or a resume moves `watched_since` to `now` (``watchedSince(_:becoming:at:)``).
    static func writeJob(
        _ session: any SQLSession, _ definition: JobDefinition, replacing existing: Job?, owner: JobOwner,
        at now: Date
    ) throws {
        let source: SyncSource?
        let managedBy: Job.ManagedBy
        switch owner {
        case .api: (source, managedBy) = (nil, .api)
        case .sync(let syncSource): (source, managedBy) = (syncSource, .sync)
        }
        let arguments: [SQLValue] = [
            .text(definition.jobID), .text(definition.description), .text(definition.schedule),
            .text(definition.timezone), .integer(definition.tolerance.seconds),
            .integer(definition.maxRuntime?.seconds), .bool(definition.isHealthCheck),
            .text(try encodeJSON(definition.tags)), .bool(definition.paused), .date(now), .text(managedBy.rawValue),
            .text(source?.repository), .text(source.flatMap { _ in definition.location?.file }),
            .integer(source.flatMap { _ in definition.location?.line }), .text(source?.commit),
            .date(existing.map { watchedSince($0, becoming: definition, at: now) } ?? now),
            .text(try encodeJSON(definition.notify)), .integer(definition.every?.seconds),
            .text(definition.expect.rawValue), .text(definition.watchFrom.rawValue),
            .text(try pingUUID(session, for: definition, replacing: existing)), .text(source?.identity),
            .integer(definition.minRuntime?.seconds), .integer(definition.failureThreshold),
            .text(try encodeJSON(definition.labels)),
        ]
        try session.execute(
            existing == nil
                ? """
                INSERT INTO job_configs (job_id, description, schedule, timezone, tolerance_seconds,
                    max_runtime_seconds, is_health_check, tags, paused, created_at, updated_at, managed_by,
                    source_repository, source_file, source_line, source_commit, watched_since, notify,
                    every_seconds, expect, watch_from, ping_uuid, source_id, min_runtime_seconds, failure_threshold,
                    labels)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                    ?20, ?21, ?22, ?23, ?24, ?25)
                """
                : """
                UPDATE job_configs SET description = ?2, schedule = ?3, timezone = ?4, tolerance_seconds = ?5,
                    max_runtime_seconds = ?6, is_health_check = ?7, tags = ?8, paused = ?9, updated_at = ?10,
                    managed_by = ?11, source_repository = ?12, source_file = ?13, source_line = ?14,
                    source_commit = ?15, watched_since = ?16, notify = ?17, every_seconds = ?18, expect = ?19,
                    watch_from = ?20, ping_uuid = ?21, source_id = ?22, min_runtime_seconds = ?23,
                    failure_threshold = ?24, labels = ?25
                WHERE job_id = ?1
                """, arguments)
    }

    /// The ping uuid a written job gets: the definition's, else the one it had, else a new
    /// one. A uuid another job has is refused with both jobs named, before the unique
    /// index would refuse it with a bare constraint name.
    static func pingUUID(_ session: any SQLSession, for definition: JobDefinition, replacing existing: Job?) throws
        -> String
    {
        guard let wanted = definition.pingUUID else {
            return existing?.definition.pingUUID ?? UUID().uuidString.lowercased()
        }
        if let holder = try session.fetchOne(
            "SELECT job_id FROM job_configs WHERE ping_uuid = ? AND job_id <> ?",
            [.text(wanted), .text(definition.jobID)])?.text(0)
        {
            throw MonitorError(
                .conflict,
                "ping_uuid \(wanted) is already the ping URL of job '\(holder)'; each job needs its own: give "
                    + "'\(definition.jobID)' another, or leave ping_uuid out to have one generated")
        }
        return wanted
    }

    /// From when a changed job's fire times are expected. Resuming counts as a resume,
    /// and a new schedule or time zone is a new promise: either way, from `now` on. A new
    /// tolerance only moves the deadline of the fire time awaited.
    static func watchedSince(_ existing: Job, becoming definition: JobDefinition, at now: Date) -> Date {
        let old = existing.definition
        let restart =
            (old.paused && !definition.paused) || old.schedule != definition.schedule || old.every != definition.every
            || old.timezone != definition.timezone || old.watchFrom != definition.watchFrom
        return restart ? now : existing.watchedSince
    }
}
