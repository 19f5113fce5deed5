import Config
import Foundation
import MonitorDomain

extension MonitorStore {
    /// Validates `files` and compares their jobs with the monitor's; changes nothing.
    public func planSync(files: [DefinitionFile], source: SyncSource, options: SyncOptions = SyncOptions())
        async throws -> SyncReport
    {
        async let snapshot = jobSnapshot()
        let validation = JobValidator(now: clock.now, secrets: secrets).validate(files, commit: source.commit)
        let (_, actual, actualChannels) = try await snapshot
        guard validation.errorCount == 0 else { return SyncReport(diagnostics: validation.diagnostics) }
        let actualWindows = try await windows()
        return SyncReport(
            diagnostics: validation.diagnostics,
            plan: Reconciler.plan(
                desired: validation.jobs, actual: actual, source: source, options: options,
                desiredChannels: validation.channels, actualChannels: actualChannels,
                desiredWindows: validation.windows, actualWindows: actualWindows, now: clock.now))
    }

    /// Validates `files`, then makes the monitor's jobs match them in one transaction:
    /// all or nothing, so a crash at any point leaves the old jobs or the new ones. Any
    /// error in the definitions, or any conflict, changes nothing. Every apply, failed or
    /// not, is recorded in the sync history. Runs and alerts of deleted jobs stay.
    ///
    /// The monitor's jobs are read and the plan made beside the validation, off the
    /// single writer; the write transaction checks that no job changed since (the change
    /// log's counter), and plans again inside it if one did.
    public func applySync(files: [DefinitionFile], source: SyncSource, options: SyncOptions = SyncOptions())
        async throws -> SyncReport
    {
        if let requestID = options.requestID, let record = try await syncRecord(requestID: requestID) {
            return SyncReport(record: record, repeated: true)
        }
        let now = clock.now
        async let snapshot = jobSnapshot()
        let validation = JobValidator(now: now, secrets: secrets).validate(files, commit: source.commit)
        let (counter, actual, actualChannels) = try await snapshot
        if let error = SyncReport(diagnostics: validation.diagnostics).failure {
            let (record, repeated) = try await write { session -> (SyncRecord, Bool) in
                try session.lock(.task(.syncApply))
                if let earlier = try Self.syncRecord(session, requestID: options.requestID) { return (earlier, true) }
                let record = try Self.recordSync(
                    session, source, options, result: .failed, plan: nil, error: error, at: now)
                return (record, false)
            }
            if repeated { return SyncReport(record: record, repeated: true) }
            events.publish(.syncRecorded(record))
            events.publish(.deliveriesQueued)
            return SyncReport(diagnostics: validation.diagnostics, record: record)
        }
        let desired = validation.jobs
        let desiredChannels = validation.channels
        let earlyPlan = Reconciler.plan(
            desired: desired, actual: actual, source: source, options: options, desiredChannels: desiredChannels,
            actualChannels: actualChannels, desiredWindows: validation.windows, now: now)
        let applied = try await write { session -> (plan: SyncPlan, record: SyncRecord, resolved: [AlertChange])? in
            // One apply at a time, on every node of a shared database (SQLite's writer is
            // one already).
            try session.lock(.task(.syncApply))
            try session.lock(.task(.jobChanges))
            // Checked again here: the same apply sent again while the first was still on its
            // way passed the check above too, and must not be applied (or recorded) twice.
            if try Self.syncRecord(session, requestID: options.requestID) != nil { return nil }
            var plan = earlyPlan
            var current = actual
            if try Self.jobChangeCounter(session) != counter {
                current = try Self.fetchAllJobs(session)
                plan = Reconciler.plan(
                    desired: desired, actual: current, source: source, options: options,
                    desiredChannels: desiredChannels, desiredWindows: validation.windows, now: now)
            }
            // Channels and windows are few and logged nowhere: planned again inside the
            // transaction, always.
            plan.channels = Reconciler.planChannels(
                desired: desiredChannels, actual: try Self.fetchAllChannels(session), source: source,
                options: options)
            plan.windows = Reconciler.planWindows(
                desired: validation.windows, actual: try Self.fetchAllWindows(session), source: source,
                options: options)
            if let error = SyncReport(plan: plan).failure {
                return (
                    plan,
                    try Self.recordSync(session, source, options, result: .failed, plan: plan, error: error, at: now),
                    []
                )
            }
            // The jobs it deletes: their pings wait, so none opens an alert on a job going away.
            try session.lock(jobs: plan.deletes.map(\.jobID))
            let channelsResolved = try Self.write(
                plan.channels, desired: desiredChannels, source: source, session: session, at: now)
            try Self.write(plan.windows, desired: validation.windows, source: source, session: session, at: now)
            let resolved =
                try Self.write(plan, desired: desired, actual: current, source: source, session: session, at: now)
                + channelsResolved
            let record = try Self.recordSync(
                session, source, options, result: .applied, plan: plan, error: nil, at: now)
            try Self.recordAudit(session, plan, record: record, replaced: current, at: now)
            return (plan, record, resolved)
        }
        guard let (plan, record, resolved) = applied else {
            guard let requestID = options.requestID, let record = try await syncRecord(requestID: requestID) else {
                throw MonitorError(.internalError, "an apply's request id was recorded and then not found")
            }
            return SyncReport(record: record, repeated: true)
        }
        if plan.hasChanges { events.publish(.jobsChanged) }
        events.publish(alerts: resolved)
        events.publish(.syncRecorded(record))
        if record.result == .failed { events.publish(.deliveriesQueued) }
        return SyncReport(diagnostics: validation.diagnostics, plan: plan, record: record)
    }

    /// Every job, with the change log's counter at the time they were read, and every channel.
    private func jobSnapshot() async throws -> (counter: Int64, jobs: [Job], channels: [Channel]) {
        try await read { session in
            (try Self.jobChangeCounter(session), try self.allJobs(session), try Self.fetchAllChannels(session))
        }
    }

    /// The apply that `requestID` named, if it was recorded.
    func syncRecord(requestID: String) async throws -> SyncRecord? {
        try await read { session in try Self.syncRecord(session, requestID: requestID) }
    }

    /// The apply that `requestID` named, if there is one and it was recorded.
    private static func syncRecord(_ session: any SQLSession, requestID: String?) throws -> SyncRecord? {
        guard let requestID else { return nil }
        return try session.fetchOne("SELECT * FROM sync_history WHERE request_id = ?", [.text(requestID)])
            .map(syncRecord)
    }

    /// One apply of the sync history.
    public func syncRecord(id: Int64) async throws -> SyncRecord? {
        try await read { session in
            try session.fetchOne("SELECT * FROM sync_history WHERE id = ?", [.integer(id)]).map(Self.syncRecord)
        }
    }

    /// A page of the sync history, newest first.
    public func syncHistory(page: PageRequest) async throws -> Page<SyncRecord> {
        try await read { session in
            try Self.fetchPage(session, table: "sync_history", filter: SQLFilter(), page: page, decode: Self.syncRecord)
        }
    }

    private static func write(
        _ plan: SyncPlan, desired: [JobDefinition], actual: [Job], source: SyncSource, session: any SQLSession,
        at now: Date
    ) throws -> [AlertChange] {
        // Jobs recorded before sources had identities become this source's, changing nothing else.
        for jobID in plan.claimed {
            try session.execute(
                """
                UPDATE job_configs SET source_id = ?, source_repository = ?
                WHERE job_id = ? AND source_id IS NULL AND managed_by = 'sync'
                """, [.text(source.identity), .text(source.repository), .text(jobID)])
        }
        guard plan.hasChanges else { return [] }
        var definitions: [String: JobDefinition] = [:]
        for definition in desired { definitions[definition.jobID] = definition }
        var existing: [String: Job] = [:]
        for job in actual { existing[job.jobID] = job }
        for create in plan.creates {
            try writeJob(session, definitions[create.jobID]!, replacing: nil, owner: .sync(source), at: now)
        }
        for change in plan.updates {
            try writeJob(
                session, definitions[change.jobID]!, replacing: existing[change.jobID]!, owner: .sync(source), at: now)
        }
        return try plan.deletes.flatMap { try removeJob(session, $0.jobID, at: now) }
    }

    private static func recordSync(
        _ session: any SQLSession, _ source: SyncSource, _ options: SyncOptions, result: SyncRecord.Result,
        plan: SyncPlan?, error: String?, at now: Date
    ) throws -> SyncRecord {
        let applied = result == .applied
        let row = try session.fetchOne(
            """
            INSERT INTO sync_history (applied_at, repository, ref, commit_id, path, result, created, updated,
                deleted, unchanged, error, request_id, source_id, dirty)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING *
            """,
            [
                .date(now), .text(source.repository), .text(source.ref), .text(source.commit), .text(source.path),
                .text(result.rawValue), .integer(applied ? plan?.creates.count ?? 0 : 0),
                .integer(applied ? plan?.updates.count ?? 0 : 0), .integer(applied ? plan?.deletes.count ?? 0 : 0),
                .integer(plan?.unchanged ?? 0), .text(error), .text(options.requestID), .text(source.identity),
                .bool(source.dirty),
            ])
        guard let row else { throw MonitorError(.internalError, "an apply was recorded and then not found") }
        let record = try syncRecord(from: row)
        if result == .failed { try enqueueSyncFailed(session, record, at: now) }
        return record
    }

    static func syncRecord(from row: SQLRow) throws -> SyncRecord {
        SyncRecord(
            id: try row.int64("id"), appliedAt: try row.date("applied_at"),
            source: SyncSource(
                identity: try row.optionalText("source_id"), repository: try row.optionalText("repository"),
                ref: try row.optionalText("ref"), commit: try row.optionalText("commit_id"),
                path: try row.optionalText("path"), dirty: try row.bool("dirty")),
            result: SyncRecord.Result(rawValue: try row.text("result")) ?? .failed, created: try row.int("created"),
            updated: try row.int("updated"), deleted: try row.int("deleted"), unchanged: try row.int("unchanged"),
            error: try row.optionalText("error"))
    }
}
