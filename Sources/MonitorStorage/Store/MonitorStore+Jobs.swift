import Config
import Foundation
import MonitorDomain
import Synchronization

extension MonitorStore {
    public func jobs() async throws -> [Job] {
        try await read { session in try self.allJobs(session) }
    }

    /// Every job, by id, from memory while none changed: the job list, `GET /jobs`,
    /// `/metrics` and badges read all of them at every request, and decoding 10,000 rows
    /// each time was a fifth of a list's time (docs/performance.md). Any change to a job
    /// row, by this process or another (`cronicle-sync --db`), bumps the change log's
    /// counter, which says when to read again.
    func allJobs(_ session: any SQLSession) throws -> [Job] {
        let counter = try Self.jobChangeCounter(session)
        if let cached = jobCache.withLock({ $0 }), cached.counter == counter { return cached.jobs }
        let jobs = try Self.fetchAllJobs(session)
        jobCache.withLock { $0 = (counter, jobs) }
        return jobs
    }

    /// How many job changes were ever logged: it only grows, even as the log is pruned.
    static func jobChangeCounter(_ session: any SQLSession) throws -> Int64 {
        try session.fetchOne(session.dialect.jobChangeCounter)?.int64(0) ?? 0
    }

    /// Every job, by id.
    static func fetchAllJobs(_ session: any SQLSession) throws -> [Job] {
        // A cursor decodes each row where SQLite left it; fetchAll would copy every row first.
        var jobs: [Job] = []
        try session.forEach(selectJobs("ORDER BY job_id\(session.dialect.byteOrder)"), []) { row in
            jobs.append(try job(from: row))
        }
        return jobs
    }

    public func job(_ jobID: String) async throws -> Job? {
        try await read { session in try Self.fetchJob(session, jobID) }
    }

    public func jobs(ids: [String]) async throws -> [Job] {
        guard !ids.isEmpty else { return [] }
        return try await read { session in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            return try session.fetchAll(Self.selectJobs("WHERE job_id IN (\(marks))"), ids.map { .text($0) })
                .map(Self.job)
        }
    }

    static func fetchJob(_ session: any SQLSession, _ jobID: String) throws -> Job? {
        try session.fetchOne(selectJobs("WHERE job_id = ?"), [.text(jobID)]).map(job)
    }

    static func requireJob(_ session: any SQLSession, _ jobID: String) throws -> Job {
        guard let job = try fetchJob(session, jobID) else { throw MonitorError.jobNotFound(jobID) }
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
    public func saveJob(_ definition: JobDefinition, by author: ChangeAuthor) async throws -> (job: Job, created: Bool)
    {
        let now = clock.now
        let saved = try await write { session in
            try Self.lockForChange(session, jobs: [definition.jobID])
            let existing = try Self.fetchJob(session, definition.jobID)
            if let existing, existing.managedBy == .sync { throw Self.managedBySync(existing) }
            try Self.writeJob(session, definition, replacing: existing, owner: .api, at: now)
            let job = try Self.requireJob(session, definition.jobID)
            try Self.recordAudit(
                session, author, existing == nil ? .jobCreated : .jobUpdated, job: definition.jobID, before: existing,
                after: job, at: now)
            return (job, existing == nil)
        }
        events.publish(.jobsChanged)
        return saved
    }

    /// Deletes a job made through the API; its runs and alerts stay in history, and its
    /// open alerts are resolved.
    public func deleteJob(_ jobID: String, by author: ChangeAuthor) async throws {
        let now = clock.now
        let resolved = try await write { session in
            try Self.lockForChange(session, jobs: [jobID])
            let job = try Self.requireJob(session, jobID)
            if job.managedBy == .sync { throw Self.managedBySync(job) }
            try Self.recordAudit(session, author, .jobDeleted, job: jobID, before: job, after: nil, at: now)
            return try Self.removeJob(session, jobID, at: now)
        }
        events.publish(.jobsChanged)
        events.publish(alerts: resolved)
    }

    /// Takes what a transaction that writes job configurations takes first, on a database
    /// several writers share: the lock of every such write (the change log's counter row
    /// is then never waited for while holding a job's lock), then the locks of `jobs`, so
    /// that their pings and deadline checks wait (a ping's alert cannot open on a job
    /// being deleted). Nothing on SQLite, whose writer is alone.
    static func lockForChange(_ session: any SQLSession, jobs: some Sequence<String>) throws {
        try session.lock(.task(.jobChanges))
        try session.lock(jobs: jobs)
    }

    /// Deletes a job's configuration and resolves its open alerts; its runs and alerts
    /// stay in history. Both the API's delete and sync's prune go through here.
    static func removeJob(_ session: any SQLSession, _ jobID: String, at now: Date) throws -> [AlertChange] {
        let resolved = try session.fetchAll(
            "UPDATE job_alerts SET resolved_at = ? WHERE job_id = ? AND resolved_at IS NULL RETURNING id, type",
            [.date(now), .text(jobID)]
        ).map { row in
            AlertChange(
                alertID: try row.int64(0), jobID: jobID, kind: JobAlert.Kind(rawValue: try row.text(1)) ?? .failed,
                change: .resolved)
        }
        // Told while the job still says which channels it reaches.
        try enqueueDeliveries(session, resolved, at: now)
        try session.execute("DELETE FROM job_configs WHERE job_id = ?", [.text(jobID)])
        try session.execute("DELETE FROM failure_streaks WHERE job_id = ?", [.text(jobID)])
        return resolved
    }

    /// An operator pauses or resumes alerting (DESIGN 11.4). The pause is kept apart from
    /// the definition's `paused`, so an apply neither lifts it nor reports it as drift.
    /// Resuming lifts it, and for a job made through the API the definition's `paused`
    /// too; a synced job paused in its file stays paused (409, naming the file).
    /// Resuming starts watching from now: fire times that passed while paused are not missed.
    public func setPaused(_ jobID: String, _ paused: Bool, by author: ChangeAuthor, reason: String? = nil)
        async throws -> Job
    {
        let now = clock.now
        let job = try await write { session in
            try Self.lockForChange(session, jobs: [jobID])
            let job = try Self.requireJob(session, jobID)
            if paused {
                guard job.operatorPause == nil else { return job }
                try session.execute(
                    "UPDATE job_configs SET paused_at = ?, paused_by = ?, pause_reason = ? WHERE job_id = ?",
                    [.date(now), .text(author.name), .text(reason), .text(jobID)])
                let pausedJob = try Self.requireJob(session, jobID)
                try Self.recordAudit(session, author, .jobPaused, job: jobID, before: job, after: pausedJob, at: now)
                return pausedJob
            }
            if job.definition.paused && job.managedBy == .sync {
                var place = job.origin.map { "\($0.file):\($0.line)" } ?? "its definition file"
                if let commit = job.origin?.commit { place += " (commit \(SyncSource.shortCommit(commit)))" }
                throw MonitorError(
                    .managedBySync,
                    "job '\(jobID)' is paused in its definition (paused: true), \(place) or its folder's "
                        + "_defaults.yaml; change it there to resume it")
            }
            guard job.isPaused else { return job }
            try session.execute(
                """
                UPDATE job_configs SET paused = FALSE, paused_at = NULL, paused_by = NULL, pause_reason = NULL,
                    watched_since = ?, updated_at = CASE WHEN paused THEN ? ELSE updated_at END
                WHERE job_id = ?
                """, [.date(now), .date(now), .text(jobID)])
            let resumed = try Self.requireJob(session, jobID)
            try Self.recordAudit(session, author, .jobResumed, job: jobID, before: job, after: resumed, at: now)
            return resumed
        }
        events.publish(.jobsChanged)
        return job
    }

    /// Holds the job's notifications until `until` (at most ``Job/Snooze/longest`` from
    /// now); alerts still open and show. A new snooze replaces the one in force.
    public func snooze(_ jobID: String, until: Date, by author: ChangeAuthor, reason: String?) async throws -> Job {
        let now = clock.now
        guard until > now, until.timeIntervalSince(now) <= Job.Snooze.longest + 1 else {
            throw MonitorError(.invalidRequest, Job.Snooze.tooLong)
        }
        let job = try await write { session in
            try Self.lockForChange(session, jobs: [jobID])
            let before = try Self.requireJob(session, jobID)
            try session.execute(
                "UPDATE job_configs SET snoozed_until = ?, snoozed_by = ?, snooze_reason = ? WHERE job_id = ?",
                [.date(until), .text(author.name), .text(reason), .text(jobID)])
            let snoozed = try Self.requireJob(session, jobID)
            try Self.recordAudit(session, author, .jobSnoozed, job: jobID, before: before, after: snoozed, at: now)
            return snoozed
        }
        events.publish(.jobsChanged)
        return job
    }

    /// Ends the job's snooze now; the alerts it held that are still open are told at once.
    public func endSnooze(_ jobID: String, by author: ChangeAuthor) async throws -> Job {
        let now = clock.now
        let (job, released) = try await write { session in
            try Self.lockForChange(session, jobs: [jobID])
            let before = try Self.requireJob(session, jobID)
            try session.execute(
                """
                UPDATE job_configs SET snoozed_until = NULL, snoozed_by = NULL, snooze_reason = NULL
                WHERE job_id = ? AND snoozed_until IS NOT NULL
                """, [.text(jobID)])
            let released = try Self.releaseSilenced(session, at: now, jobID: jobID)
            let after = try Self.requireJob(session, jobID)
            if before.snooze != nil {
                try Self.recordAudit(session, author, .jobUnsnoozed, job: jobID, before: before, after: after, at: now)
            }
            return (after, released)
        }
        events.publish(.jobsChanged)
        if released > 0 { events.publish(.deliveriesQueued) }
        return job
    }
}
