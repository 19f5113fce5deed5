import Config
import CronicleTestSupport
import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorStorage

/// `--keep-runs` and `--keep-alerts` remove exactly what they say, on a real SQLite file
/// with a manual clock, and never a run that pings or alerts still need.
@Suite struct RetentionTests {
    static let author = ChangeAuthor("test", via: .api)

    static let day: TimeInterval = 86_400
    static let instant = RetentionPolicy.Batching(size: 2, pause: .zero)

    static func output(_ text: String) -> RunOutput {
        RunOutput(bytes: Array(text.utf8), receivedBytes: text.utf8.count, limit: 1000)
    }

    static func runIDs(_ path: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: path)
        return Set(try queue.read { db in try String.fetchAll(db, sql: "SELECT run_id FROM job_runs") })
    }

    static func text(_ path: String, _ sql: String) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try String.fetchOne(db, sql: sql) }
    }

    static func count(_ path: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test func oldFinishedRunsGoAndEverythingStillNeededStays() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("retention.db")
        let clock = ManualClock("2026-01-01T00:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        for id in ["nightly", "flaky", "quiet", "gone"] {
            _ = try await store.saveJob(JobDefinition(jobID: id, schedule: "@daily"), by: Self.author)
        }
        // Day 0: finished runs (with output), an open run, a failure whose alert stays open.
        for id in ["old-1", "old-2"] {
            _ = try await store.startRun(.id("nightly"), RunStart(runID: id, output: Self.output("started \(id)")))
            clock.advance(by: 60)
            _ = try await store.endRun(.id("nightly"), RunEnd(runID: id, exitCode: 0))
        }
        _ = try await store.startRun(.id("nightly"), RunStart(runID: "old-open"))
        // flaky's failed alert, still open, names its first failure (and its last, the job's last run).
        _ = try await store.endRun(.id("flaky"), RunEnd(runID: "flaky-ok", exitCode: 0))
        clock.advance(by: 60)
        _ = try await store.endRun(.id("flaky"), RunEnd(runID: "flaky-failed", exitCode: 1))
        clock.advance(by: 60)
        _ = try await store.endRun(.id("flaky"), RunEnd(runID: "flaky-failed-again", exitCode: 1))
        clock.advance(by: 60)
        _ = try await store.endRun(.id("quiet"), RunEnd(runID: "quiet-last", exitCode: 0))
        clock.advance(by: 60)
        _ = try await store.endRun(.id("gone"), RunEnd(runID: "gone-1", exitCode: 0))
        clock.advance(by: 60)
        _ = try await store.endRun(.id("gone"), RunEnd(runID: "gone-last", exitCode: 0))
        clock.advance(by: 60)
        try await store.deleteJob("gone", by: Self.author)
        // Day 100: nightly runs again.
        clock.advance(by: 100 * Self.day)
        _ = try await store.startRun(.id("nightly"), RunStart(runID: "new-1"))
        _ = try await store.endRun(.id("nightly"), RunEnd(runID: "new-1", exitCode: 0))
        let before = try Self.runIDs(path)

        // Until the alert engine has checked a deadline, nothing goes.
        let early = try await store.removeExpiredRuns(olderThan: clock.now - 90 * Self.day, batching: Self.instant)
        #expect(early.runs == 0 && early.runsCutoff == nil)
        #expect(try Self.runIDs(path) == before)

        _ = try await store.recordDeadlines([], runs: [], checkedThrough: clock.now)
        let removed = try await store.removeExpiredRuns(olderThan: clock.now - 90 * Self.day, batching: Self.instant)
        #expect(removed.runs == 4)
        #expect(removed.outputs == 2)
        #expect(
            try Self.runIDs(path) == [
                "old-open", "flaky-failed", "flaky-failed-again", "quiet-last", "gone-last", "new-1",
            ],
            "old-1, old-2 (and their output), flaky-ok and gone-1 go; the rest is open, named by an open alert, a job's last run or recent"
        )
        #expect(try Self.count(path, "SELECT COUNT(*) FROM run_outputs") == 0)
        // The day tallies older than the longest stats window of the jobs whose runs went
        // go too: day 0's, where those runs ended; quiet's, whose only run stays, and
        // new-1's, on day 100, stay.
        #expect(
            try Self.text(path, "SELECT group_concat(job_id) FROM job_run_days WHERE day < '2026-04-01'") == "quiet")
        #expect(try Self.count(path, "SELECT SUM(runs) FROM job_run_days WHERE job_id = 'nightly'") == 1)
        // A second pass finds nothing more.
        let again = try await store.removeExpiredRuns(olderThan: clock.now - 90 * Self.day, batching: Self.instant)
        #expect(again.runs == 0)
    }

    /// The stats' day tallies count what ran, as the run totals do: a short `--keep-runs`
    /// removes the runs, and the 30-day stats still count them.
    @Test func statsStillCountRunsThatAShortRetentionRemoved() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("short.db")
        let clock = ManualClock("2026-01-01T12:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        _ = try await store.saveJob(JobDefinition(jobID: "daily", schedule: "@daily"), by: Self.author)
        for day in 0..<20 {
            _ = try await store.startRun(.id("daily"), RunStart(runID: "run-\(day)"))
            clock.advance(by: 90)
            _ = try await store.endRun(.id("daily"), RunEnd(runID: "run-\(day)", exitCode: day % 5 == 0 ? 1 : 0))
            clock.advance(by: Self.day - 90)
        }
        let before = try await store.jobStats("daily")
        _ = try await store.recordDeadlines([], runs: [], checkedThrough: clock.now)
        let removed = try await store.removeExpiredRuns(olderThan: clock.now - 7 * Self.day, batching: Self.instant)
        // The last week's and the failures' (their resolved alerts name them) stay.
        #expect(removed.runs == 10)
        #expect(try Self.count(path, "SELECT COUNT(*) FROM job_runs") == 10)
        let after = try await store.jobStats("daily")
        #expect(after[1].runs == 20 && after[1].failed == 4 && after[1].durationP50 == 90)
        #expect(after.map(\.runs) == before.map(\.runs) && after.map(\.failed) == before.map(\.failed))
    }

    @Test func theCutoffWaitsForDeadlinesTheEngineHasNotChecked() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("behind.db")
        let clock = ManualClock("2026-01-01T00:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        var job = JobDefinition(jobID: "weekly", schedule: "@daily")
        job.tolerance = JobDuration(seconds: 2 * 3600)
        _ = try await store.saveJob(job, by: Self.author)
        _ = try await store.recordDeadlines([], runs: [], checkedThrough: clock.now)
        for index in 0..<10 {
            _ = try await store.endRun(.id("weekly"), RunEnd(runID: "run-\(index)", exitCode: 0))
            clock.advance(by: Self.day)
        }
        // The engine checked through day 0 only: runs from then on could still meet a
        // deadline it has yet to check, however old they are.
        let outcome = try await store.removeExpiredRuns(olderThan: clock.now - Self.day, batching: Self.instant)
        #expect(outcome.runs == 0)
        #expect(outcome.runsCutoff == Date(timeIntervalSince1970: 1_767_225_600 - 2 * 3600 - 60))
    }

    @Test func resolvedAlertsGoWithTheirSentNotificationsAndThenTheirRuns() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("alerts.db")
        let clock = ManualClock("2026-01-01T00:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        for id in ["a", "b", "c"] {
            _ = try await store.saveJob(JobDefinition(jobID: id, schedule: "@daily"), by: Self.author)
        }
        // a and b fail and recover on day 0; c fails and stays failed.
        for id in ["a", "b", "c"] {
            _ = try await store.endRun(.id(id), RunEnd(runID: "\(id)-failed", exitCode: 1))
        }
        for id in ["a", "b"] { _ = try await store.endRun(.id(id), RunEnd(runID: "\(id)-ok", exitCode: 0)) }
        let alerts = try DatabaseQueue(path: path)
        let ids = try await alerts.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT job_id, id FROM job_alerts").map {
                    ($0[0] as String, $0[1] as Int64)
                })
        }
        // a's notifications went out (one failed for good); b's resolve is still pending.
        try await alerts.write { db in
            for (index, (alert, status)) in [
                (ids["a"]!, "delivered"), (ids["a"]!, "failed"), (ids["b"]!, "delivered"), (ids["b"]!, "pending"),
                (ids["c"]!, "delivered"),
            ].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO deliveries (delivery_id, channel, event, alert_id, job_id, created_at, status)
                        VALUES (?, 'ops', 'alert_opened', ?, 'x', '2026-01-01 00:00:00.000', ?)
                        """, arguments: ["d\(index)", alert, status])
            }
        }
        clock.advance(by: 200 * Self.day)
        for id in ["a", "b"] { _ = try await store.endRun(.id(id), RunEnd(runID: "\(id)-new", exitCode: 0)) }
        _ = try await store.recordDeadlines([], runs: [], checkedThrough: clock.now)
        var policy = RetentionPolicy()
        policy.keepRuns = 90 * Self.day
        policy.keepAlerts = 180 * Self.day
        policy.batching = Self.instant
        let outcome = try await RetentionService(store: store, policy: policy).clean()
        #expect(outcome.alerts == 1)
        #expect(outcome.deliveries == 2)
        #expect(try Self.count(path, "SELECT COUNT(*) FROM job_alerts WHERE job_id = 'a'") == 0)
        #expect(
            try Self.count(path, "SELECT COUNT(*) FROM job_alerts") == 2, "b's waits for its notification; c's is open")
        #expect(try Self.count(path, "SELECT COUNT(*) FROM deliveries") == 3)
        // a's failed run went with its alert; b's stays while its alert does; c's alert is open.
        #expect(try Self.runIDs(path) == ["a-new", "b-failed", "b-new", "c-failed"])
    }

    /// Pings keep arriving while a clean-up removes 20,000 old runs in small batches:
    /// every ping answered is stored, every old run goes.
    @Test func pingsDuringACleanUpAreAllKept() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("busy.db")
        let clock = ManualClock("2026-01-01T00:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        _ = try await store.saveJob(JobDefinition(jobID: "busy", schedule: "@daily"), by: Self.author)
        let seed = try DatabaseQueue(path: path)
        try await seed.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                    INSERT INTO job_runs (run_id, job_id, status, start_time, end_time, exit_code)
                    SELECT 'seed-' || i, 'busy', 'succeeded',
                        strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || i || ' seconds'),
                        strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || (i + 1) || ' seconds'), 0
                    FROM n
                    """)
        }
        clock.advance(by: 100 * Self.day)
        _ = try await store.recordDeadlines([], runs: [], checkedThrough: clock.now)
        let pings = Task {
            var answered: [String] = []
            while !Task.isCancelled {
                // Each ping at its own instant, as in life: pings at one instant would all tie
                // with the job's latest ping, which is always kept.
                clock.advance(by: 1)
                let run = try await store.startRun(.id("busy"), RunStart())
                answered.append(run.run.runID)
                _ = try await store.endRun(.id("busy"), RunEnd(runID: run.run.runID, exitCode: 0))
            }
            return answered
        }
        // Let the pings get going first, so that the whole clean-up runs beside them.
        let pinged = "SELECT COUNT(*) FROM job_runs WHERE run_id NOT LIKE 'seed-%'"
        while try Self.count(path, pinged) < 20 { try await Task.sleep(for: .milliseconds(5)) }
        let first = try Self.count(path, pinged)
        let outcome = try await store.removeExpiredRuns(
            olderThan: clock.now - 90 * Self.day, batching: RetentionPolicy.Batching(size: 500, pause: .zero))
        let during = try Self.count(path, pinged) - first
        pings.cancel()
        let answered = try await pings.value
        #expect(outcome.runs == 20_000)
        #expect(during > 0, "pings went on during the clean-up")
        let stored = try Self.runIDs(path)
        #expect(stored == Set(answered), "every answered ping is stored, no seeded run is left")
    }
}
