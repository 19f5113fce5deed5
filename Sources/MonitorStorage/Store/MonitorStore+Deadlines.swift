import Config
import Foundation
import MonitorDomain

extension MonitorStore {
    static let checkedThroughKey = "alerts_checked_through"

    public func alertEngineSnapshot() async throws -> AlertEngineSnapshot {
        try await read { session in
            // The counter, not the log's last entry: the log may have been pruned empty.
            let sequence = try session.fetchOne(session.dialect.jobChangeCounter)?.optionalInt64(0) ?? 0
            let checked = try session.fetchOne(
                "SELECT value FROM monitor_state WHERE key = ?", [.text(Self.checkedThroughKey)])?.text(0)
            let jobs = try Self.fetchAllJobs(session)
            let openRuns = try Self.fetchOpenRuns(session, jobID: nil)
            return AlertEngineSnapshot(
                changeSequence: sequence, checkedThrough: checked.flatMap(Timestamp.fromDatabaseText), jobs: jobs,
                openRuns: openRuns)
        }
    }

    /// Jobs changed after `sequence` (by this process or another), with their current
    /// configuration; a job missing from `jobs` was deleted.
    ///
    /// Fails with `conflict` when entries after `sequence` were pruned already (a node
    /// that stopped for longer than its lease, whose place the others no longer kept):
    /// the engine then reads every job again. The log's numbers have no holes (each
    /// change takes the counter's next value in its transaction), so a hole is a prune.
    public func jobChanges(after sequence: Int64) async throws -> (sequence: Int64, changed: Set<String>, jobs: [Job])?
    {
        try await read { session in
            let rows = try session.fetchAll(
                "SELECT seq, job_id FROM job_config_changes WHERE seq > ? ORDER BY seq", [.integer(sequence)])
            let pruned: Bool
            if let first = try rows.first?.int64(0) {
                pruned = first > sequence + 1
            } else {
                pruned = (try session.fetchOne(session.dialect.jobChangeCounter)?.optionalInt64(0) ?? 0) > sequence
            }
            if pruned {
                throw MonitorError(
                    .conflict,
                    "the job change log was pruned past change \(sequence), where this node had read to; every job "
                        + "is read again")
            }
            guard let last = rows.last else { return nil }
            let changed = Set(try rows.map { try $0.text(1) })
            var jobs: [Job] = []
            for jobID in changed {
                if let job = try Self.fetchJob(session, jobID) { jobs.append(job) }
            }
            return (try last.int64(0), changed, jobs)
        }
    }

    /// Forgets change-log entries the engine has read. Where several nodes share the
    /// database, this node's place is recorded in its lease, and entries go only once
    /// every live node has read them (all of them when no node holds a lease: one
    /// process alone, as on SQLite).
    public func pruneJobChanges(through sequence: Int64) async throws {
        let node = backend.node
        try await write(lane: .background) { session in
            guard let node else {
                try session.execute("DELETE FROM job_config_changes WHERE seq <= ?", [.integer(sequence)])
                return
            }
            try session.execute(
                "UPDATE node_leases SET change_seq = ? WHERE node_id = ?", [.integer(sequence), .text(node)])
            try session.execute(
                """
                DELETE FROM job_config_changes WHERE seq <= COALESCE(
                    (SELECT MIN(change_seq) FROM node_leases WHERE expires_at > clock_timestamp()), ?1)
                    AND seq <= ?1
                """, [.integer(sequence)])
        }
    }

    /// Records what the deadlines that passed say, in one transaction with the
    /// instant through which every deadline has now been checked.
    ///
    /// Each fire time counts as met when a start arrived in its window (`fire time −
    /// early allowance` to `fire time + tolerance`); checked here, on the single writer,
    /// so a start cannot slip in between the check and the alert. Missed fire times join
    /// the job's open missed_job incident or open one. Fire times already recorded are
    /// skipped, so checking a deadline twice (after a crash) changes nothing.
    public func recordDeadlines(_ jobs: [DueFireTimes], runs: [DueRun], checkedThrough: Date?) async throws
        -> DeadlineOutcome
    {
        let now = clock.now
        let (outcome, changes) = try await write(lane: .background) { session -> (DeadlineOutcome, [AlertChange]) in
            // Each job's pings wait while its deadlines are checked, so a start cannot slip in
            // between the check and the alert (SQLite's writer is alone already). Taken in
            // one order, the same on every node, so two checks never wait on each other.
            try session.lock(jobs: jobs.map(\.jobID) + runs.map(\.jobID))
            var outcome = DeadlineOutcome()
            var changes: [AlertChange] = []
            let windows = try Self.windowSet(session)
            let skipping = windows.hasSkip
            for var due in jobs {
                let next: Date?
                (due.fireTimes, next) = try Self.expectedTimes(session, due, now: now)
                if skipping, !due.fireTimes.isEmpty {
                    due.fireTimes = Self.withoutSkipped(due.fireTimes, of: due, windows: windows)
                }
                if let next { outcome.nextIntervalDeadlines[due.jobID] = next }
                outcome.missedFireTimes += try Self.recordMisses(
                    session, due, now: now, changes: &changes, detectionLags: &outcome.detectionLags)
            }
            for run in runs {
                let opened = try session.fetchAll(
                    """
                    INSERT INTO job_alerts (job_id, type, created_at, run_id)
                    SELECT job_id, 'long_running', ?, run_id FROM job_runs WHERE run_id = ? AND \(Self.openRunPredicate)
                    ON CONFLICT (run_id) WHERE type = 'long_running' DO NOTHING
                    RETURNING id
                    """, [.date(now), .text(run.runID)]
                ).map { try $0.int64(0) }
                outcome.longRunningAlerts += opened.count
                if !opened.isEmpty, let deadline = run.deadline {
                    outcome.detectionLags.append(now.timeIntervalSince(deadline))
                }
                changes += opened.map {
                    AlertChange(alertID: $0, jobID: run.jobID, kind: .longRunning, change: .opened)
                }
            }
            try Self.enqueueDeliveries(session, changes, at: now)
            if let checkedThrough {
                try session.execute(
                    """
                    INSERT INTO monitor_state (key, value) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, [.text(Self.checkedThroughKey), .text(Timestamp.databaseText(from: checkedThrough))])
            }
            return (outcome, changes)
        }
        events.publish(alerts: changes)
        return outcome
    }

    /// The expected times whose deadlines have passed, and for an interval job when to
    /// look again. A cron job's are its due fire times; an interval job's follow its last
    /// ping (start or end, per `expect`), or its creation or resume when it has not pinged
    /// since. With `watch_from: first_run`, none come before the job's first ping.
    private static func expectedTimes(_ session: any SQLSession, _ due: DueFireTimes, now: Date) throws -> (
        [Date], Date?
    ) {
        var since: Date? = nil
        if due.fromFirstPing {
            let first = try session.fetchOne(
                "SELECT MIN(\(Self.pingTimeSQL)) FROM job_runs WHERE job_id = ?", [.text(due.jobID)])?.optionalDate(0)
            guard let first else {
                // Nothing is expected before the first ping; an interval job looks again later.
                return ([], due.interval.map { now.addingTimeInterval($0.every) })
            }
            since = first
        }
        guard let interval = due.interval else {
            return (since.map { first in due.fireTimes.filter { $0 >= first } } ?? due.fireTimes, nil)
        }
        let column = Self.pingTimeSQL(due.expect)
        let lastPing = try session.fetchOne("SELECT MAX(\(column)) FROM job_runs WHERE job_id = ?", [.text(due.jobID)])?
            .optionalDate(0)
        let watchedSince = max(since ?? interval.watchedSince, interval.watchedSince)
        var expected = max(lastPing ?? watchedSince, watchedSince).addingTimeInterval(interval.every)
        var times: [Date] = []
        while expected.addingTimeInterval(due.tolerance) <= now, times.count < catchUpLimit {
            times.append(expected)
            expected = expected.addingTimeInterval(interval.every)
        }
        return (times, expected.addingTimeInterval(due.tolerance))
    }

    /// `fireTimes` without those inside a `skip` window that covers the job (DESIGN 11.3):
    /// they are not expected, so never missed.
    private static func withoutSkipped(_ fireTimes: [Date], of due: DueFireTimes, windows: WindowSet) -> [Date] {
        var job = JobDefinition(jobID: due.jobID, schedule: nil)
        job.tags = due.tags
        let covering = windows.windows(covering: job).filter { $0.mode == .skip }
        guard !covering.isEmpty else { return fireTimes }
        return fireTimes.filter { time in !covering.contains { $0.occurrence(at: time) != nil } }
    }

    /// Most expected times of one interval job recorded at once; the rest follow.
    private static let catchUpLimit = 10_000

    /// Records the missed fire times among `due`'s, grouped into incidents as
    /// ``MissedIncidents`` decides: one database write per incident, not per fire time,
    /// and one look into the index of starts per start that meets or ends something, so
    /// a job down for a week costs a few statements however often it fires.
    /// Each incident opened adds to `detectionLags` how long after its first fire time's
    /// deadline it opened.
    private static func recordMisses(
        _ session: any SQLSession, _ due: DueFireTimes, now: Date, changes: inout [AlertChange],
        detectionLags: inout [TimeInterval]
    ) throws -> Int {
        guard !due.fireTimes.isEmpty else { return 0 }
        let column = Self.pingTimeSQL(due.expect)
        // Every due deadline asks this, met or not: a statement prepared once per
        // connection, since compiling it per deadline was 45% of a wake-up (performance.md).
        let latest = try session.fetchOne(
            """
            SELECT id, last_fire_time, resolved_at FROM job_alerts
            WHERE job_id = ? AND type = 'missed_job' ORDER BY id DESC LIMIT 1
            """, [.text(due.jobID)]
        ).flatMap { row -> MissedIncidents.Latest? in
            guard let lastFire = try row.optionalDate(1) else { return nil }
            return MissedIncidents.Latest(id: try row.int64(0), lastFireTime: lastFire, isOpen: row.isNull(2))
        }
        let decided = try MissedIncidents(
            fireTimes: due.fireTimes, tolerance: due.tolerance, earlyAllowance: due.earlyAllowance, latest: latest,
            firstStart: { instant in
                try session.fetchOne(
                    "SELECT MIN(\(column)) FROM job_runs WHERE job_id = ? AND \(column) >= ?",
                    [.text(due.jobID), .date(instant)])?.optionalDate(0)
            })
        for incident in decided.incidents {
            var id = incident.existingID
            if let existing = id, incident.added > 0 {
                try session.execute(
                    "UPDATE job_alerts SET missed_count = missed_count + ?, last_fire_time = ? WHERE id = ?",
                    [.integer(incident.added), .date(incident.lastFireTime), .integer(existing)])
                changes.append(AlertChange(alertID: existing, jobID: due.jobID, kind: .missedJob, change: .updated))
            } else if id == nil {
                let opened = try session.fetchOne(
                    """
                    INSERT INTO job_alerts (job_id, type, created_at, fire_time, last_fire_time, missed_count)
                    VALUES (?, 'missed_job', ?, ?, ?, ?)
                    RETURNING id
                    """,
                    [
                        .text(due.jobID), .date(now), .date(incident.firstFireTime), .date(incident.lastFireTime),
                        .integer(incident.added),
                    ])
                guard let openedID = try opened?.int64(0) else {
                    throw MonitorError(.internalError, "a missed_job alert was written and then not found")
                }
                id = openedID
                detectionLags.append(now.timeIntervalSince(incident.firstFireTime.addingTimeInterval(due.tolerance)))
                changes.append(AlertChange(alertID: openedID, jobID: due.jobID, kind: .missedJob, change: .opened))
            }
            if let id, let resolvedAt = incident.resolvedAt {
                try resolve(session, id, at: resolvedAt)
                changes.append(AlertChange(alertID: id, jobID: due.jobID, kind: .missedJob, change: .resolved))
            }
        }
        return decided.missed
    }

    private static func resolve(_ session: any SQLSession, _ alertID: Int64, at date: Date) throws {
        try session.execute(
            "UPDATE job_alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
            [.date(date), .integer(alertID)])
    }
}
