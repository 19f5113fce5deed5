import Config
import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// Records a start. A health check's start is a whole run. A repeated start with a
    /// run id already recorded for the job returns that run (`created` false), so a
    /// client may retry safely. Resolves the job's open missed_job alert.
    ///
    /// This and ``endRun(jobID:_:)`` are the hot path of the monitor: they run on the
    /// database's single writer, so they use cached statements, read only the columns
    /// they need, and build the returned run in memory.
    public func startRun(_ job: JobReference, _ start: RunStart) async throws -> (run: JobRun, created: Bool) {
        let now = Timestamp.stored(clock.now)
        let clientInfo = start.clientInfo.map(Self.encodeCompactJSON)
        let generatedID = RunIdentifier.generate()
        if let pingBatcher {
            switch await pingBatcher.submit(
                PingBatcher.Ping(
                    job: job, kind: .start(start), now: now, generatedID: generatedID, clientInfo: clientInfo))
            {
            case .started(let run, let limited):
                events.publish(.runStarted(run, hasMaxRuntime: limited))
                return (run, true)
            case .refused(let error): throw error
            case .ended, .general: break
            }
        }
        let started = try await write { session -> StartedRun in
            let pinged = try Self.jobAndOpenAlerts(session, job)
            let (jobID, healthCheck, limited, expectEnd, hasOpenAlerts) = (
                pinged.jobID, pinged.healthCheck, pinged.limited, pinged.expectEnd, pinged.hasOpenAlerts
            )
            if let runID = start.runID, let existing = try Self.fetchRun(session, runID) {
                guard existing.jobID == jobID else {
                    throw MonitorError(.conflict, "run id '\(runID)' belongs to job '\(existing.jobID)'")
                }
                // Its output was kept by the start or end that recorded the run: a start that
                // repeats the run id adds none, or every retry would add it again.
                guard existing.startTime == nil else {
                    return StartedRun(run: existing, created: false, limited: false)
                }
                // A start after its own end (DESIGN.md §10.2): it joins the ended run, which
                // stays ended, and says the job did start.
                try session.execute(
                    """
                    UPDATE job_runs SET client_info = COALESCE(client_info, ?), remote_addr = COALESCE(remote_addr, ?),
                        user_agent = COALESCE(user_agent, ?)
                    WHERE run_id = ?
                    """, [.text(clientInfo), .text(start.remoteAddress), .text(start.userAgent), .text(runID)])
                var alerts: [AlertChange] = []
                if hasOpenAlerts && !expectEnd {
                    alerts = try Self.resolveAlerts(session, jobID: jobID, kinds: [.missedJob], at: now)
                }
                try Self.enqueueDeliveries(session, alerts, at: now)
                return StartedRun(
                    run: try Self.fetchRun(session, runID) ?? existing, created: false, limited: false, alerts: alerts)
            }
            let runID = start.runID ?? generatedID
            let run = JobRun(
                runID: runID, jobID: jobID, status: healthCheck ? .succeeded : .running, startTime: now,
                endTime: healthCheck ? now : nil, clientInfo: start.clientInfo, remoteAddress: start.remoteAddress,
                userAgent: start.userAgent)
            let insert = """
                INSERT INTO job_runs (run_id, job_id, status, start_time, end_time, client_info, remote_addr, user_agent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            let rowID: Int64
            if let sqlite = session as? GRDBSession {
                // The hot path's fenced form (SQLiteStep): the same statement, bound directly.
                let nowText = Timestamp.databaseText(from: now)
                let step = SQLiteStep(try sqlite.database.cachedStatement(sql: insert))
                for (index, value) in [
                    runID, jobID, run.status.rawValue, nowText, healthCheck ? nowText : nil, clientInfo,
                    start.remoteAddress, start.userAgent,
                ].enumerated() {
                    step.bind(Int32(index + 1), value)
                }
                try step.run()
                rowID = sqlite.database.lastInsertedRowID
            } else {
                let row = try session.fetchOne(
                    insert + " RETURNING id",
                    [
                        .text(runID), .text(jobID), .text(run.status.rawValue), .date(now),
                        healthCheck ? .date(now) : .null, .text(clientInfo), .text(start.remoteAddress),
                        .text(start.userAgent),
                    ])
                rowID = try row?.int64(0) ?? 0
            }
            if let output = start.output { try Self.appendOutput(session, runID: runID, output) }
            // Checked at one start in 64, which keeps the check off the hot path and the
            // bound within a few dozen runs of openRunLimit.
            if !healthCheck, rowID % 64 == 0 {
                try Self.abandonOpenRunsBeyondLimit(session, jobID: jobID, at: now)
            }
            var alerts: [AlertChange] = []
            // With expect: end, an end meets the expected time, not a start; a health
            // check's start is its end too.
            let kinds: [JobAlert.Kind] = healthCheck ? [.missedJob, .failed] : expectEnd ? [] : [.missedJob]
            if healthCheck && pinged.failureStreak > 0 {
                try session.execute("DELETE FROM failure_streaks WHERE job_id = ?", [.text(jobID)])
            }
            if hasOpenAlerts && !kinds.isEmpty {
                alerts = try Self.resolveAlerts(session, jobID: jobID, kinds: kinds, at: now)
            }
            try Self.enqueueDeliveries(session, alerts, at: now)
            return StartedRun(run: run, created: true, limited: limited && !healthCheck, alerts: alerts)
        }
        if started.created { events.publish(.runStarted(started.run, hasMaxRuntime: started.limited)) }
        events.publish(alerts: started.alerts)
        return (started.run, started.created)
    }

    /// What a start's transaction tells the rest of ``startRun(jobID:_:)``.
    private struct StartedRun: Sendable {
        var run: JobRun
        var created: Bool
        /// The run has a `max_runtime` deadline.
        var limited: Bool
        var alerts: [AlertChange] = []
    }

    /// Records an end: closes the named run, or the job's oldest open run; with no open
    /// run, records a run without a start. Never refused for lack of a start. An end
    /// for a run that already ended returns it unchanged, so retries are safe.
    public func endRun(_ job: JobReference, _ end: RunEnd) async throws -> JobRun {
        let now = Timestamp.stored(clock.now)
        let message = end.message.map { String($0.prefix(Self.messageLimit)) }
        let clientInfo = end.clientInfo.map(Self.encodeCompactJSON)
        let status: JobRun.Status = end.failed || (end.exitCode ?? 0) != 0 ? .failed : .succeeded
        let generatedID = RunIdentifier.generate()
        if let pingBatcher {
            switch await pingBatcher.submit(
                PingBatcher.Ping(
                    job: job, kind: .end(end, status: status, message: message), now: now, generatedID: generatedID,
                    clientInfo: clientInfo))
            {
            case .ended(var run, let clientInfoText):
                if let clientInfoText { run.clientInfo = try Self.decodeCompactJSON(clientInfoText) }
                if run.clientInfo == nil { run.clientInfo = end.clientInfo }
                events.publish(.runEnded(run))
                return run
            case .refused(let error): throw error
            case .started, .general: break
            }
        }
        // The open run's client_info comes back as text and is decoded after the write,
        // off the single writer.
        var (run, clientInfoText, alerts) = try await write { session -> (JobRun, String?, [AlertChange]) in
            let pinged = try Self.jobAndOpenAlerts(session, job)
            let (jobID, expectEnd, hasOpenAlerts) = (pinged.jobID, pinged.expectEnd, pinged.hasOpenAlerts)
            var (run, clientInfoText): (JobRun, String?)
            switch try Self.runToEnd(session, jobID: jobID, end, clientInfo: clientInfo, generatedID: generatedID) {
            case .open(let open, let text): (run, clientInfoText) = (open, text)
            // A retry: answered with the run as it ended.
            case .ended(let ended): return (ended, nil, [])
            }
            if let output = end.output { try Self.appendOutput(session, runID: run.runID, output) }
            run.status = status
            run.endTime = now
            run.exitCode = end.exitCode
            run.message = message
            let update = """
                UPDATE job_runs SET status = ?, end_time = ?, exit_code = ?, message = ?,
                    client_info = COALESCE(client_info, ?)
                WHERE run_id = ?
                """
            if let sqlite = session as? GRDBSession {
                // The hot path's fenced form (SQLiteStep): the same statement, bound directly.
                let step = SQLiteStep(try sqlite.database.cachedStatement(sql: update))
                step.bind(1, status.rawValue)
                step.bind(2, Timestamp.databaseText(from: now))
                step.bind(3, end.exitCode)
                step.bind(4, message)
                step.bind(5, clientInfo)
                step.bind(6, run.runID)
                try step.run()
            } else {
                try session.execute(
                    update,
                    [
                        .text(status.rawValue), .date(now), .integer(end.exitCode), .text(message), .text(clientInfo),
                        .text(run.runID),
                    ])
            }
            var alerts = try Self.alertChanges(session, endOf: run, of: pinged, at: now)
            // An end meets the expected time with expect: end, and so does an end without a
            // start (a Healthchecks success ping) with expect: start.
            if hasOpenAlerts && (expectEnd || run.startTime == nil) {
                alerts += try Self.resolveAlerts(session, jobID: jobID, kinds: [.missedJob], at: now)
            }
            try Self.enqueueDeliveries(session, alerts, at: now)
            return (run, clientInfoText, alerts)
        }
        if let clientInfoText { run.clientInfo = try Self.decodeCompactJSON(clientInfoText) }
        if run.clientInfo == nil { run.clientInfo = end.clientInfo }
        events.publish(.runEnded(run))
        events.publish(alerts: alerts)
        return run
    }

    /// The run an end is for: still open (with its `client_info` as text when it was
    /// read here), or already ended (the end is a retry).
    private enum RunToEnd {
        case open(JobRun, clientInfoText: String?)
        case ended(JobRun)
    }

    /// The named run, else the job's oldest open run, else a new run without a start.
    private static func runToEnd(
        _ session: any SQLSession, jobID: String, _ end: RunEnd, clientInfo: String?, generatedID: String
    ) throws -> RunToEnd {
        if let named = end.runID, let existing = try fetchRun(session, named) {
            guard existing.jobID == jobID else {
                throw MonitorError(.conflict, "run id '\(named)' belongs to job '\(existing.jobID)'")
            }
            return existing.status == .running ? .open(existing, clientInfoText: nil) : .ended(existing)
        }
        if end.runID == nil, let (open, text) = try oldestOpenRun(session, jobID) {
            return .open(open, clientInfoText: text)
        }
        let run = JobRun(
            runID: end.runID ?? generatedID, jobID: jobID, status: .running, remoteAddress: end.remoteAddress,
            userAgent: end.userAgent)
        try session.execute(
            """
            INSERT INTO job_runs (run_id, job_id, status, remote_addr, user_agent, client_info)
            VALUES (?, ?, 'running', ?, ?, ?)
            """, [.text(run.runID), .text(jobID), .text(end.remoteAddress), .text(end.userAgent), .text(clientInfo)])
        return .open(run, clientInfoText: nil)
    }

    /// What an ended run does to alerts (DESIGN 4, 11.1): its long_running alert resolves;
    /// a success resolves the job's failed alert, and its too_fast alert when it lasted at
    /// least `min_runtime` (else raises or grows one); a failure raises or grows the failed
    /// alert once `failure_threshold` runs in a row have failed. Statements that would find
    /// nothing to change are skipped.
    private static func alertChanges(_ session: any SQLSession, endOf run: JobRun, of job: PingedJob, at now: Date)
        throws -> [AlertChange]
    {
        var alerts: [AlertChange] = []
        if job.hasOpenAlerts {
            alerts += try session.fetchAll(
                """
                UPDATE job_alerts SET resolved_at = ?
                WHERE run_id = ? AND type = 'long_running' AND resolved_at IS NULL RETURNING id
                """, [.date(now), .text(run.runID)]
            ).map { AlertChange(alertID: try $0.int64(0), jobID: run.jobID, kind: .longRunning, change: .resolved) }
        }
        if run.status == .succeeded {
            if job.failureStreak > 0 {
                try session.execute("DELETE FROM failure_streaks WHERE job_id = ?", [.text(run.jobID)])
            }
            if job.hasOpenAlerts { alerts += try resolveAlerts(session, jobID: run.jobID, kinds: [.failed], at: now) }
            // A run without a start (a success ping alone) has no length: it is not judged.
            let length = run.startTime.map { now.timeIntervalSince($0) }
            if let minRuntime = job.minRuntime, let length, length < minRuntime {
                // A paused job raises nothing (DESIGN 4); what is open still resolves.
                if !job.paused {
                    alerts.append(try raiseIncident(session, .tooFast, jobID: run.jobID, runID: run.runID, at: now))
                }
            } else if job.hasOpenAlerts && (length != nil || job.minRuntime == nil) {
                alerts += try resolveAlerts(session, jobID: run.jobID, kinds: [.tooFast], at: now)
            }
        }
        if run.status == .failed && !job.paused {
            // The streak as the upsert left it, not as read before it: another node's
            // failure of the same job may have counted in between.
            let counted = try session.fetchOne(
                """
                INSERT INTO failure_streaks (job_id, failures, first_run_id) VALUES (?1, 1, ?2)
                ON CONFLICT (job_id) DO UPDATE SET failures = failure_streaks.failures + 1
                RETURNING failures, first_run_id
                """, [.text(run.jobID), .text(run.runID)])
            let streak = try counted?.int(0) ?? job.failureStreak + 1
            let first = try counted?.text(1) ?? run.runID
            if streak >= job.failureThreshold {
                alerts.append(
                    try raiseIncident(
                        session, .failed, jobID: run.jobID, runID: run.runID, at: now,
                        streak: job.failureThreshold > 1 ? (first, streak) : nil))
            } else if job.hasOpenAlerts,
                let grown = try growOpenIncident(session, .failed, jobID: run.jobID, runID: run.runID)
            {
                // An incident opened before the threshold was raised keeps counting.
                alerts.append(grown)
            }
        }
        return alerts
    }

    /// Most runs of one job open at once. Starts without ends (a client that never ends
    /// its runs, or someone flooding the API) otherwise pile up in every status read
    /// and in the alert engine's memory; older open runs beyond this are closed.
    public static let openRunLimit = 1000

    /// Closes the job's oldest open runs beyond ``openRunLimit`` as failed, with a message
    /// that says why; their long_running alerts resolve as for any ended run.
    static func abandonOpenRunsBeyondLimit(_ session: any SQLSession, jobID: String, at now: Date) throws {
        guard
            let newestToKeep = try session.fetchOne(
                openRunsSQL("id", newestFirst: true, limit: "1 OFFSET ?", dialect: session.dialect),
                [.text(jobID), .integer(openRunLimit - 1)])?.int64(0)
        else { return }
        let abandoned = try session.fetchAll(
            """
            UPDATE job_runs SET status = 'failed', end_time = ?, message = ?
            WHERE job_id = ? AND \(openRunPredicate) AND id < ?
            RETURNING run_id
            """,
            [
                .date(now),
                .text("abandoned: more than \(openRunLimit) runs of this job were open; the oldest are closed"),
                .text(jobID), .integer(newestToKeep),
            ]
        ).map { try $0.text(0) }
        for runID in abandoned {
            try session.execute(
                "UPDATE job_alerts SET resolved_at = ? WHERE run_id = ? AND type = 'long_running' AND resolved_at IS NULL",
                [.date(now), .text(runID)])
        }
    }

    /// The job a ping names, and what the ping needs to know of it. Where several writers
    /// share the database, the job's lock is taken first and the facts read after it, so
    /// that they stay true until the ping's transaction ends; SQLite's writer is alone.
    private static func jobAndOpenAlerts(_ session: any SQLSession, _ job: JobReference) throws -> PingedJob {
        let (column, key) =
            switch job {
            case .id(let id): ("job_id", id)
            case .pingUUID(let uuid): ("ping_uuid", uuid)
            }
        if let sqlite = session as? GRDBSession {
            // The hot path's fenced form (SQLiteStep): the same statement, read directly.
            let select = SQLiteStep(try sqlite.database.cachedStatement(sql: pingedJobSQL("\(column) = ?1")))
            select.bind(1, key)
            guard try select.next(), let jobID = select.text(0) else { throw job.notFound }
            return PingedJob(
                jobID: jobID, healthCheck: select.bool(1), limited: select.bool(2), expectEnd: select.bool(3),
                hasOpenAlerts: select.bool(4), minRuntime: select.int(5).map(TimeInterval.init),
                failureThreshold: select.int(6) ?? 1, failureStreak: select.int(7) ?? 0, paused: select.bool(8))
        }
        let jobID: String
        switch job {
        case .id(let id): jobID = id
        case .pingUUID(let uuid):
            guard let found = try session.fetchOne("SELECT job_id FROM job_configs WHERE ping_uuid = ?", [.text(uuid)])
            else { throw job.notFound }
            jobID = try found.text(0)
        }
        try session.lock(.job(jobID))
        guard let row = try session.fetchOne(pingedJobSQL("job_id = ?1"), [.text(jobID)]) else {
            throw job.notFound
        }
        return try PingedJob(row)
    }

    /// What ``jobAndOpenAlerts(_:_:)`` reads of the jobs that `condition` (on `?1`)
    /// selects, as ``PingedJob/init(_:)`` decodes it.
    static func pingedJobSQL(_ condition: String) -> String {
        """
        SELECT job_id, is_health_check, max_runtime_seconds IS NOT NULL, expect = 'end',
            EXISTS (SELECT 1 FROM job_alerts a WHERE a.job_id = c.job_id AND resolved_at IS NULL),
            min_runtime_seconds, failure_threshold,
            (SELECT failures FROM failure_streaks s WHERE s.job_id = c.job_id),
            paused OR paused_at IS NOT NULL
        FROM job_configs c WHERE \(condition)
        """
    }

    /// Adds `output` to the run's stored output, keeping its first `output.limit` bytes.
    /// Read and written here rather than in SQL: `||` on blobs makes text of them.
    static func appendOutput(_ session: any SQLSession, runID: String, _ output: RunOutput) throws {
        let stored = try session.fetchOne(
            "SELECT output, received_bytes FROM run_outputs WHERE run_id = ?", [.text(runID)])
        var bytes = try stored?.optionalBytes(0) ?? []
        let received = (try stored?.optionalInt(1) ?? 0) + output.receivedBytes
        bytes += output.bytes.prefix(max(0, output.limit - bytes.count))
        try session.execute(
            """
            INSERT INTO run_outputs (run_id, output, received_bytes) VALUES (?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET output = excluded.output, received_bytes = excluded.received_bytes
            """, [.text(runID), .blob(bytes), .integer(received)])
    }

    /// Adds output to a run without changing its state: the named run, else the job's newest.
    public func logRun(_ job: JobReference, runID: String?, output: RunOutput) async throws -> JobRun? {
        try await write { session in
            let jobID = try Self.jobAndOpenAlerts(session, job).jobID
            let run: JobRun?
            if let runID {
                run = try Self.fetchRun(session, runID)
                if let run, run.jobID != jobID {
                    throw MonitorError(.conflict, "run id '\(runID)' belongs to job '\(run.jobID)'")
                }
            } else {
                run = try session.fetchOne(
                    "SELECT * FROM job_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1", [.text(jobID)]
                ).map(Self.run)
            }
            guard let run else { return nil }
            try Self.appendOutput(session, runID: run.runID, output)
            return run
        }
    }

    public func runOutputPreviews(_ runIDs: [String], limit: Int) async throws -> [String: RunOutput] {
        guard !runIDs.isEmpty else { return [:] }
        return try await read { session in
            var previews: [String: RunOutput] = [:]
            let marks = Array(repeating: "?", count: runIDs.count).joined(separator: ", ")
            for row in try session.fetchAll(
                """
                SELECT run_id, substr(output, 1, CAST(? AS INTEGER)), received_bytes FROM run_outputs
                WHERE run_id IN (\(marks))
                """, [.integer(limit)] + runIDs.map { .text($0) })
            {
                previews[try row.text(0)] = RunOutput(
                    bytes: try row.optionalBytes(1) ?? [], receivedBytes: try row.int(2), limit: limit)
            }
            return previews
        }
    }

    public func runOutput(_ runID: String) async throws -> RunOutput? {
        try await read { session in
            try session.fetchOne("SELECT output, received_bytes FROM run_outputs WHERE run_id = ?", [.text(runID)])
                .map { row in
                    let bytes = try row.bytes(0)
                    return RunOutput(bytes: bytes, receivedBytes: try row.int(1), limit: bytes.count)
                }
        }
    }

    /// The job's oldest open run, with its `client_info` still as text.
    private static func oldestOpenRun(_ session: any SQLSession, _ jobID: String) throws -> (JobRun, String?)? {
        let sql = openRunsSQL(
            "run_id, start_time, client_info, remote_addr, user_agent", limit: "1", dialect: session.dialect)
        if let sqlite = session as? GRDBSession {
            // The hot path's fenced form (SQLiteStep): the same statement, read directly.
            let select = SQLiteStep(try sqlite.database.cachedStatement(sql: sql))
            select.bind(1, jobID)
            guard try select.next(), let runID = select.text(0) else { return nil }
            let run = JobRun(
                runID: runID, jobID: jobID, status: .running,
                startTime: select.text(1).flatMap { Date.fromDatabaseValue($0.databaseValue) },
                remoteAddress: select.text(3), userAgent: select.text(4))
            return (run, select.text(2))
        }
        guard let row = try session.fetchOne(sql, [.text(jobID)]) else { return nil }
        let run = JobRun(
            runID: try row.text(0), jobID: jobID, status: .running, startTime: try row.optionalDate(1),
            remoteAddress: try row.optionalText(3), userAgent: try row.optionalText(4))
        return (run, try row.optionalText(2))
    }

    /// Opens the job's failed or too_fast incident, or adds this run to the one that is
    /// open. A failed incident that waited for a threshold opens with the whole `streak`:
    /// its first run, and how many failed.
    private static func raiseIncident(
        _ session: any SQLSession, _ kind: JobAlert.Kind, jobID: String, runID: String, at now: Date,
        streak: (firstRunID: String, count: Int)? = nil
    ) throws -> AlertChange {
        if let grown = try growOpenIncident(session, kind, jobID: jobID, runID: runID) { return grown }
        let kindSQL = "'\(kind.rawValue)'"
        let opened = try session.fetchOne(
            """
            INSERT INTO job_alerts (job_id, type, created_at, run_id, last_run_id, failure_count)
            VALUES (?, \(kindSQL), ?, ?, ?, ?)
            RETURNING id
            """,
            [.text(jobID), .date(now), .text(streak?.firstRunID ?? runID), .text(runID), .integer(streak?.count ?? 1)])
        guard let id = try opened?.int64(0) else {
            throw MonitorError(.internalError, "an alert was written and then not found")
        }
        return AlertChange(alertID: id, jobID: jobID, kind: kind, change: .opened)
    }

    /// Adds the run to the job's open incident of `kind`, if one is open.
    private static func growOpenIncident(
        _ session: any SQLSession, _ kind: JobAlert.Kind, jobID: String, runID: String
    ) throws -> AlertChange? {
        guard
            let open = try session.fetchOne(
                "SELECT id FROM job_alerts WHERE job_id = ? AND type = '\(kind.rawValue)' AND resolved_at IS NULL",
                [.text(jobID)])?.int64(0)
        else { return nil }
        try session.execute(
            "UPDATE job_alerts SET last_run_id = ?, failure_count = failure_count + 1 WHERE id = ?",
            [.text(runID), .integer(open)])
        return AlertChange(alertID: open, jobID: jobID, kind: kind, change: .updated)
    }

    /// Resolves the job's open alerts of `kinds`.
    ///
    /// One statement per kind, with the kind written in the SQL: bound as a parameter,
    /// it let SQLite's planner depend on its value (the partial unique index names the
    /// types), so each change of kind silently re-prepared the cached statement, a
    /// tenth of the writer's time per ping.
    static func resolveAlerts(_ session: any SQLSession, jobID: String, kinds: [JobAlert.Kind], at now: Date) throws
        -> [AlertChange]
    {
        var resolved: [AlertChange] = []
        for kind in kinds {
            for row in try session.fetchAll(resolveSQL[kind]!, [.date(now), .text(jobID)]) {
                resolved.append(AlertChange(alertID: try row.int64(0), jobID: jobID, kind: kind, change: .resolved))
            }
        }
        return resolved
    }

    private static let resolveSQL: [JobAlert.Kind: String] = Dictionary(
        uniqueKeysWithValues: JobAlert.Kind.allCases.map { kind in
            (
                kind,
                "UPDATE job_alerts SET resolved_at = ? WHERE job_id = ? AND type = '\(kind.rawValue)' "
                    + "AND resolved_at IS NULL RETURNING id"
            )
        })

    public func runs(ids: [String]) async throws -> [JobRun] {
        guard !ids.isEmpty else { return [] }
        return try await read { session in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            return try session.fetchAll("SELECT * FROM job_runs WHERE run_id IN (\(marks))", ids.map { .text($0) })
                .map(Self.run)
        }
    }

    static func fetchRun(_ session: any SQLSession, _ runID: String) throws -> JobRun? {
        try session.fetchOne("SELECT * FROM job_runs WHERE run_id = ?", [.text(runID)]).map(run)
    }

    /// A page of runs, newest first, filtered.
    public func runs(_ query: RunQuery) async throws -> Page<JobRun> {
        try await read { session in
            var filter = SQLFilter()
            if let jobID = query.jobID { filter.add("job_id = ?", .text(jobID)) }
            // Written out, not bound, so that SQLite can see the partial index below applies.
            if let status = query.status { filter.add("status = '\(status.rawValue)'") }
            if let since = query.since { filter.add("COALESCE(start_time, end_time) >= ?", .date(since)) }
            if let until = query.until { filter.add("COALESCE(start_time, end_time) < ?", .date(until)) }
            // Left to itself, SQLite walks every run newest first to find the few still
            // running (10 ms per 100,000 runs); the index of open runs holds just those.
            let table = "job_runs" + (query.status == .running ? session.dialect.indexedBy("job_runs_open") : "")
            return try Self.fetchPage(session, table: table, filter: filter, page: query.page, decode: Self.run)
        }
    }
}
