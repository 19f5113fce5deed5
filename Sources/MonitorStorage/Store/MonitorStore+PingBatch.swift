import Foundation
import MonitorDomain

extension MonitorStore {
    /// Applies what it can of `pings` in the transaction of `session`, as a few statements
    /// over all of them (``PingBatcher``): the jobs' locks in one statement, in key order
    /// (the order of every transaction on every node, so batches never wait on each other
    /// in a circle); the jobs, the named runs and the open runs read in three; the new runs
    /// inserted in one, the ended runs updated in one (two when a job has several ends).
    ///
    /// A ping is applied here only when the general path (``startRun(_:_:)``,
    /// ``endRun(_:_:)``) would do nothing but that insert or that update: a start with no
    /// alert to resolve and no output, whose run id is new; a successful end without
    /// output of a running run, on a job with no open alert and no failure streak, that
    /// raises no too_fast alert. Each other ping is answered ``PingBatcher/Outcome/general``.
    /// An end without a run id may end a run a start of the same batch began (the starts are
    /// taken first).
    ///
    /// PostgreSQL only: the rows go in as one JSON parameter (`json_to_recordset`).
    static func applyPingBatch(_ session: any SQLSession, _ pings: [PingBatcher.Ping]) throws
        -> [PingBatcher.Outcome]
    {
        precondition(session.dialect.database == .postgres, "the set-based ping path is written for PostgreSQL")
        var outcomes = [PingBatcher.Outcome](repeating: .general, count: pings.count)

        // Each ping's job id: the general path looks a ping UUID up before the job's lock
        // too, and reads the job after it.
        var jobOfUUID: [String: String] = [:]
        let uuids = Set(pings.compactMap { if case .pingUUID(let uuid) = $0.job { uuid } else { nil } })
        if !uuids.isEmpty {
            for row in try session.fetchAll(
                "SELECT ping_uuid, job_id FROM job_configs WHERE ping_uuid = ANY(CAST(? AS text[]))",
                [.texts(Array(uuids))])
            {
                jobOfUUID[try row.text(0)] = try row.text(1)
            }
        }
        let jobIDs: [String?] = pings.map { ping in
            switch ping.job {
            case .id(let id): id
            case .pingUUID(let uuid): jobOfUUID[uuid]
            }
        }
        let named = Set(jobIDs.compactMap { $0 })
        guard !named.isEmpty else { return outcomes }
        try session.lock(jobs: named)
        var jobs: [String: PingedJob] = [:]
        for row in try session.fetchAll(pingedJobSQL("job_id = ANY(CAST(?1 AS text[]))"), [.texts(Array(named))]) {
            let job = try PingedJob(row)
            jobs[job.jobID] = job
        }

        // The runs the pings name, and the oldest open runs of the jobs whose ends name none.
        var runs: [String: PingBatchRows.Run] = [:]
        let runIDs = Set(
            pings.compactMap { ping -> String? in
                switch ping.kind {
                case .start(let start): start.runID
                case .end(let end, _, _): end.runID
                }
            })
        if !runIDs.isEmpty {
            for row in try session.fetchAll(
                "SELECT \(PingBatchRows.Run.columns) FROM job_runs WHERE run_id = ANY(CAST(? AS text[]))",
                [.texts(Array(runIDs))])
            {
                let run = try PingBatchRows.Run(row)
                runs[run.runID] = run
            }
        }
        // As many of a job's oldest open runs as it has ends: the ends that name a run may
        // take some of them, and those that name none still find one, unless these are all
        // the runs the job had open.
        var ends: [String: Int] = [:]
        var endsWithoutRun = Set<String>()
        for (ping, jobID) in zip(pings, jobIDs) {
            if case .end(let end, _, _) = ping.kind, let jobID, jobs[jobID] != nil {
                ends[jobID, default: 0] += 1
                if end.runID == nil { endsWithoutRun.insert(jobID) }
            }
        }
        var openRuns: [String: [PingBatchRows.Run]] = [:]
        if !endsWithoutRun.isEmpty {
            let wanted = endsWithoutRun.map { PingBatchRows.OpenRunsWanted(jobID: $0, wanted: ends[$0] ?? 1) }
            let open = openRunsSQL(
                PingBatchRows.Run.columns + ", id", of: "w.job_id", limit: "w.wanted", dialect: session.dialect)
            for row in try session.fetchAll(
                """
                SELECT o.* FROM json_to_recordset(CAST(? AS json)) AS w(job_id text, wanted integer)
                CROSS JOIN LATERAL (\(open)) AS o ORDER BY o.id
                """, [.text(PingBatchRows.json(wanted))])
            {
                let run = try PingBatchRows.Run(row)
                openRuns[run.jobID, default: []].append(run)
            }
        }

        // What each ping would do: the starts first, then the ends, as if they had come in
        // that order (they came at once: any order is one they could have come in), so that
        // an end that names no run may end a run started in this batch.
        var written = Set<String>()
        var ended = Set<String>()
        var startedHere: [String: [PingBatchRows.Run]] = [:]
        var inserts: [PingBatchRows.Inserted] = []
        var updates: [PingBatchRows.Ended] = []
        for (index, ping) in pings.enumerated() {
            guard case .start(let start) = ping.kind, let jobID = jobIDs[index], let job = jobs[jobID] else { continue }
            // What the general start would resolve: missed_job (not with expect: end), and a
            // health check's failed alert and failure streak.
            let resolves = job.healthCheck || !job.expectEnd
            guard start.output == nil, !(job.hasOpenAlerts && resolves), !(job.healthCheck && job.failureStreak > 0)
            else { continue }
            let runID = start.runID ?? ping.generatedID
            guard runs[runID] == nil, written.insert(runID).inserted else { continue }
            let run = JobRun(
                runID: runID, jobID: jobID, status: job.healthCheck ? .succeeded : .running, startTime: ping.now,
                endTime: job.healthCheck ? ping.now : nil, clientInfo: start.clientInfo,
                remoteAddress: start.remoteAddress, userAgent: start.userAgent)
            inserts.append(
                PingBatchRows.Inserted(
                    runID: runID, jobID: jobID, status: run.status.rawValue,
                    startTime: Timestamp.string(from: ping.now),
                    endTime: job.healthCheck ? Timestamp.string(from: ping.now) : nil, clientInfo: ping.clientInfo,
                    remoteAddress: start.remoteAddress, userAgent: start.userAgent))
            if !job.healthCheck {
                startedHere[jobID, default: []].append(
                    PingBatchRows.Run(
                        runID: runID, jobID: jobID, status: .running, startTime: ping.now, clientInfo: ping.clientInfo,
                        remoteAddress: start.remoteAddress, userAgent: start.userAgent))
            }
            outcomes[index] = .started(run, limited: job.limited && !job.healthCheck)
        }
        var lastEnd: [String: Int] = [:]
        for (index, ping) in pings.enumerated() {
            guard case .end(let end, let status, let message) = ping.kind, let jobID = jobIDs[index],
                let job = jobs[jobID]
            else { continue }
            guard end.output == nil, status == .succeeded, !job.hasOpenAlerts, job.failureStreak == 0,
                message?.contains("\u{0}") != true
            else { continue }
            // The named run; else the job's oldest open run, which is one that was open before
            // this batch, if one still is, else one this batch started (not after this end
            // came). A run that a ping of the batch names is left to it, even when that ping
            // takes the general path (a failed end of it must not find it ended by another).
            let candidate: PingBatchRows.Run? =
                if let runID = end.runID {
                    runs[runID]
                } else {
                    openRuns[jobID]?.first { !ended.contains($0.runID) && !runIDs.contains($0.runID) }
                        ?? (openRuns[jobID]?.count ?? 0 < ends[jobID] ?? 0
                            ? startedHere[jobID]?.first { run in
                                !ended.contains(run.runID) && !runIDs.contains(run.runID)
                                    && run.startTime.map { $0 <= ping.now } == true
                            } : nil)
                }
            guard let open = candidate, open.jobID == jobID, open.status == .running, let startTime = open.startTime,
                !ended.contains(open.runID)
            else { continue }
            // A run shorter than min_runtime raises too_fast, unless the job is paused.
            if let minRuntime = job.minRuntime, ping.now.timeIntervalSince(startTime) < minRuntime, !job.paused {
                continue
            }
            ended.insert(open.runID)
            lastEnd[jobID] = updates.count
            let run = JobRun(
                runID: open.runID, jobID: jobID, status: status, startTime: startTime, endTime: ping.now,
                exitCode: end.exitCode, message: message, remoteAddress: open.remoteAddress, userAgent: open.userAgent)
            updates.append(
                PingBatchRows.Ended(
                    runID: open.runID, status: status.rawValue, endTime: Timestamp.string(from: ping.now),
                    exitCode: end.exitCode, message: message, clientInfo: ping.clientInfo))
            outcomes[index] = .ended(run, clientInfoText: open.clientInfo)
        }

        var insertedAt: [String: Date] = [:]
        if !inserts.isEmpty {
            for (index, ping) in pings.enumerated() {
                if case .started(let run, _) = outcomes[index] { insertedAt[run.runID] = ping.now }
            }
            // Checked at one start in 64, as the general path does (abandonOpenRunsBeyondLimit),
            // after the batch's ends, which are then as if before these starts.
            var limitChecks: [(jobID: String, at: Date)] = []
            let inserted = try session.fetchAll(
                """
                INSERT INTO job_runs (run_id, job_id, status, start_time, end_time, client_info, remote_addr, user_agent)
                SELECT run_id, job_id, status, start_time, end_time, client_info, remote_addr, user_agent
                FROM json_to_recordset(CAST(? AS json)) AS r(run_id text, job_id text, status text,
                    start_time timestamptz, end_time timestamptz, client_info text, remote_addr text, user_agent text)
                RETURNING id, run_id, job_id, status
                """, [.text(PingBatchRows.json(inserts))])
            for row in inserted where try row.int64(0) % 64 == 0 && row.text(3) == JobRun.Status.running.rawValue {
                limitChecks.append((try row.text(2), insertedAt[try row.text(1)] ?? Date()))
            }
            try endRuns(session, updates, lastOfEachJob: Set(lastEnd.values))
            for check in limitChecks { try abandonOpenRunsBeyondLimit(session, jobID: check.jobID, at: check.at) }
        } else {
            try endRuns(session, updates, lastOfEachJob: Set(lastEnd.values))
        }
        return outcomes
    }

    /// Ends the runs of `updates`, each job's last end (the indices `lastOfEachJob`) in a
    /// statement after the others': the trigger that keeps a job's totals takes the job's
    /// last run from the row written last, and one statement writes its rows in no set order.
    private static func endRuns(_ session: any SQLSession, _ updates: [PingBatchRows.Ended], lastOfEachJob: Set<Int>)
        throws
    {
        let earlier = updates.indices.filter { !lastOfEachJob.contains($0) }.map { updates[$0] }
        if !earlier.isEmpty { try endRuns(session, earlier) }
        let last = updates.indices.filter { lastOfEachJob.contains($0) }.map { updates[$0] }
        if !last.isEmpty { try endRuns(session, last) }
    }

    private static func endRuns(_ session: any SQLSession, _ updates: [PingBatchRows.Ended]) throws {
        try session.execute(
            """
            UPDATE job_runs AS j SET status = r.status, end_time = r.end_time, exit_code = r.exit_code,
                message = r.message, client_info = COALESCE(j.client_info, r.client_info)
            FROM json_to_recordset(CAST(? AS json)) AS r(run_id text, status text, end_time timestamptz,
                exit_code bigint, message text, client_info text)
            WHERE j.run_id = ANY(CAST(? AS text[])) AND j.run_id = r.run_id
            """, [.text(PingBatchRows.json(updates)), .texts(updates.map(\.runID))])
    }
}
