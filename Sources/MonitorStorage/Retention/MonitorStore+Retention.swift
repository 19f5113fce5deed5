import Foundation
import MonitorDomain

extension MonitorStore {
    /// Removes finished runs that pinged (started, or ended without a start) before
    /// `cutoff`, with their stored output, a few at a time.
    ///
    /// Always kept, whatever their age:
    /// - open runs (still running);
    /// - a job's last run, its latest ping and its latest end: what the job's status shows
    ///   and what the alert engine measures an interval job's next expected time from;
    /// - runs an alert names (`run_id`, `last_run_id`), open or resolved: an open alert's
    ///   run is its evidence, and a resolved one's goes when `--keep-alerts` removes the alert;
    /// - the first run of a job's current streak of failures;
    /// - runs that could still meet a deadline the alert engine has not checked: the
    ///   cut-off moves back to the instant it checked through, less the longest tolerance.
    ///
    /// Each batch is one write transaction over at most `batching.size` consecutive runs
    /// (by id, which follows the order runs were recorded in), in the writer's background
    /// lane (after the pings waiting), followed by `batching.pause`: pings wait for one
    /// batch at most.
    public func removeExpiredRuns(olderThan cutoff: Date, batching: RetentionPolicy.Batching) async throws
        -> RetentionOutcome
    {
        var outcome = RetentionOutcome()
        guard let cutoff = try await runsCutoff(cutoff) else { return outcome }
        outcome.runsCutoff = cutoff
        // Day tallies older than the longest stats window are read by nothing.
        let longestWindow = JobStats.windows.max() ?? 30
        let horizon = clock.now.addingTimeInterval(-Double(longestWindow + 1) * 86_400)
        let tallyHorizon = String(Timestamp.databaseText(from: horizon).prefix(10))
        var after: Int64 = 0
        while true {
            // The window is found on a reader, not under the write lock.
            let start = after
            let window = try await read { session in
                try Self.expiredRunWindow(session, after: start, size: batching.size, cutoff: cutoff)
            }
            guard let window else { break }
            let removed = try await write(lane: .background) { session in
                try Self.removeRuns(session, in: window.ids, cutoff: cutoff, tallyHorizon: tallyHorizon)
            }
            outcome.runs += removed.runs
            outcome.outputs += removed.outputs
            outcome.batches += 1
            after = window.ids.upperBound
            if window.isLast { break }
            try await Task.sleep(for: batching.pause)
        }
        return outcome
    }

    /// Removes alerts resolved before `cutoff`, with their notifications, which have all
    /// been sent or have failed: an alert with a notification still pending stays until it
    /// is sent. A job's newest missed_job alert stays too, since the alert engine reads it
    /// to know which fire times it already recorded.
    public func removeExpiredAlerts(resolvedBefore cutoff: Date, batching: RetentionPolicy.Batching) async throws
        -> RetentionOutcome
    {
        var outcome = RetentionOutcome()
        let candidates = try await read { session in
            try session.fetchAll(
                """
                SELECT id FROM job_alerts\(session.dialect.indexedBy("job_alerts_resolved"))
                WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at
                """, [.date(cutoff)]
            ).map { try $0.int64(0) }
        }
        var rest = candidates[...]
        while !rest.isEmpty {
            let chunk = Array(rest.prefix(batching.size))
            rest = rest.dropFirst(chunk.count)
            let removed = try await write(lane: .background) { session in
                try Self.removeAlerts(session, chunk, cutoff: cutoff)
            }
            outcome.alerts += removed.alerts
            outcome.deliveries += removed.deliveries
            outcome.batches += 1
            if !rest.isEmpty { try await Task.sleep(for: batching.pause) }
        }
        return outcome
    }

    /// `cutoff`, moved back so that no run the alert engine may still look at goes; nil
    /// when the engine has never checked a deadline (a new database, nothing to remove).
    private func runsCutoff(_ cutoff: Date) async throws -> Date? {
        try await read { session in
            guard
                let checked =
                    (try session.fetchOne(
                        "SELECT value FROM monitor_state WHERE key = ?", [.text(Self.checkedThroughKey)]
                    )?.text(0)).flatMap(Timestamp.fromDatabaseText)
            else { return nil }
            let tolerance = try session.fetchOne("SELECT MAX(tolerance_seconds) FROM job_configs")?.optionalInt(0) ?? 0
            // A start meets a fire time from a minute before it (the early allowance).
            let engineNeeds = checked.addingTimeInterval(-TimeInterval(tolerance) - 60)
            return min(cutoff, engineNeeds)
        }
    }

    /// Consecutive runs after `after` to look at in one batch, at most `size`; nil when
    /// there is none. The last window ends before the first run that pinged at or after
    /// the cut-off: runs are numbered as they are recorded, so the rest are newer.
    private static func expiredRunWindow(_ session: any SQLSession, after: Int64, size: Int, cutoff: Date) throws
        -> (ids: ClosedRange<Int64>, isLast: Bool)?
    {
        let rows = try session.fetchAll(
            """
            SELECT id, COALESCE(start_time, end_time) >= ? FROM job_runs
            WHERE id > ? ORDER BY id LIMIT ?
            """, [.date(cutoff), .integer(after), .integer(size)])
        guard let first = try rows.first?.int64(0) else { return nil }
        if let recent = try rows.firstIndex(where: { try $0.optionalBool(1) == true }) {
            guard recent > 0 else { return nil }
            return (first...(try rows[recent - 1].int64(0)), true)
        }
        return (first...(try rows[rows.count - 1].int64(0)), rows.count < size)
    }

    /// Which runs of `ids` may go; the rules of ``removeExpiredRuns(olderThan:batching:)``
    /// are checked here, in the transaction that deletes, so nothing that changed since the
    /// window was read can slip through. Each check is one look into an index.
    private static let removableRunsSQL = """
        SELECT id FROM job_runs AS r
        WHERE id BETWEEN ?1 AND ?2 AND COALESCE(start_time, end_time) < ?3 AND NOT (\(openRunPredicate))
            AND id < (SELECT MAX(id) FROM job_runs WHERE job_id = r.job_id)
            AND COALESCE(start_time, end_time) < (
                SELECT MAX(COALESCE(start_time, end_time)) FROM job_runs WHERE job_id = r.job_id)
            AND (end_time IS NULL OR end_time < (SELECT MAX(end_time) FROM job_runs WHERE job_id = r.job_id))
            AND NOT EXISTS (SELECT 1 FROM job_alerts WHERE run_id = r.run_id)
            AND NOT EXISTS (SELECT 1 FROM job_alerts WHERE last_run_id = r.run_id)
            AND NOT EXISTS (SELECT 1 FROM failure_streaks WHERE job_id = r.job_id AND first_run_id = r.run_id)
        """

    private static func removeRuns(
        _ session: any SQLSession, in ids: ClosedRange<Int64>, cutoff: Date, tallyHorizon: String
    ) throws -> (runs: Int, outputs: Int) {
        let removable = try session.fetchAll(
            removableRunsSQL, [.integer(ids.lowerBound), .integer(ids.upperBound), .date(cutoff)]
        ).map { try $0.int64(0) }
        guard !removable.isEmpty else { return (0, 0) }
        let list = SQLValue.integers(removable)
        let idList = session.dialect.idList("?")
        // Outputs first, to count them; the cascade of run_outputs then finds none.
        let outputs = try session.execute(
            "DELETE FROM run_outputs WHERE run_id IN (SELECT run_id FROM job_runs WHERE id IN \(idList))", [list])
        // The day tallies that stats read (``runDaysMigration``) count what ran, as the run
        // totals do: removing runs leaves them. Those of these runs' jobs older than the
        // longest stats window, which nothing reads, go with the runs.
        try session.execute(
            """
            DELETE FROM job_run_days WHERE day < ?2 AND job_id IN (
                SELECT DISTINCT job_id FROM job_runs WHERE id IN \(session.dialect.idList("?1")))
            """, [list, .text(tallyHorizon)])
        let runs = try session.execute("DELETE FROM job_runs WHERE id IN \(idList)", [list])
        return (runs, outputs)
    }

    private static func removeAlerts(_ session: any SQLSession, _ ids: [Int64], cutoff: Date) throws
        -> (alerts: Int, deliveries: Int)
    {
        let removable = try session.fetchAll(
            """
            SELECT id FROM job_alerts AS a
            WHERE id IN \(session.dialect.idList("?1")) AND resolved_at IS NOT NULL AND resolved_at < ?2
                AND NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_id = a.id AND status = 'pending')
                AND NOT (type = 'missed_job' AND id = (
                    SELECT MAX(id) FROM job_alerts WHERE job_id = a.job_id AND type = 'missed_job'))
            """, [.integers(ids), .date(cutoff)]
        ).map { try $0.int64(0) }
        guard !removable.isEmpty else { return (0, 0) }
        let list = SQLValue.integers(removable)
        let idList = session.dialect.idList("?")
        let deliveries = try session.execute(
            "DELETE FROM deliveries WHERE alert_id IN \(idList) AND status IN ('delivered', 'failed')", [list])
        let alerts = try session.execute("DELETE FROM job_alerts WHERE id IN \(idList)", [list])
        return (alerts, deliveries)
    }
}
