import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import Testing

/// The run totals `GET /metrics` exports as counters (migration v13): counted by triggers
/// as runs end, whatever writes them, from the runs already there when the migration
/// runs, and never lowered by removing old runs.
@Suite struct RunTotalsTests {
    @Test func theMigrationCountsTheRunsAlreadyEnded() throws {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.url("monitor.sqlite"))
        try MonitorStore.migrator.migrate(queue, upTo: "v11: maintenance windows")
        try queue.write { db in
            for (index, (status, end)) in [
                ("succeeded", "2026-11-01 03:01:00.000"), ("failed", "2026-11-02 03:02:00.000"),
                ("succeeded", "2026-11-03 03:04:30.500"), ("running", nil),
            ].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO job_runs (run_id, job_id, status, start_time, end_time)
                        VALUES (?, 'backup', ?, ?, ?)
                        """,
                    arguments: ["run-\(index)", status, "2026-11-0\(index + 1) 03:00:00.000", end])
            }
        }
        try MonitorStore.migrator.migrate(queue)
        try queue.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM job_run_totals WHERE job_id = 'backup'"))
            #expect(row["succeeded"] as Int == 2 && row["failed"] as Int == 1)
            #expect(row["last_success_at"] as String == "2026-11-03 03:04:30.500")
            #expect(row["last_failure_at"] as String == "2026-11-02 03:02:00.000")
            #expect(row["last_start_time"] as String == "2026-11-03 03:00:00.000")
            #expect(row["last_end_time"] as String == "2026-11-03 03:04:30.500")
        }
    }

    @Test func runsAreCountedAsTheyEndAndStayCountedWhenRemoved() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let clock = ManualClock("2026-11-28T06:00:00Z")
        let store = try MonitorStore(path: path, clock: clock)
        defer { try? store.close() }
        _ = try await store.saveJob(
            JobDefinition(jobID: "backup", schedule: "@daily"), by: ChangeAuthor("test", via: .api))
        for failed in [false, true, false] {
            _ = try await store.startRun(jobID: "backup", RunStart())
            clock.advance(by: 90)
            _ = try await store.endRun(jobID: "backup", RunEnd(failed: failed))
        }
        // A success ping alone: a run without a start, counted, with no duration.
        _ = try await store.endRun(jobID: "backup", RunEnd())
        // A start that never ends is not counted.
        _ = try await store.startRun(jobID: "backup", RunStart())
        var totals = try #require(try await store.metricsSnapshot().jobs.first?.runs)
        #expect(totals.succeeded == 3 && totals.failed == 1)
        #expect(totals.lastSuccess == clock.now && totals.lastDurationSeconds == nil)
        #expect(totals.lastFailure == Timestamp.parse("2026-11-28T06:03:00Z"))

        // As --keep-runs would: the history shrinks, the counters do not. (The failed
        // alert names a run, so it goes first.)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM job_alerts; DELETE FROM job_runs WHERE status <> 'running'")
        }
        totals = try #require(try await store.metricsSnapshot().jobs.first?.runs)
        #expect(totals.succeeded == 3 && totals.failed == 1)

        _ = try await store.endRun(jobID: "backup", RunEnd())
        totals = try #require(try await store.metricsSnapshot().jobs.first?.runs)
        #expect(totals.succeeded == 4 && totals.lastDurationSeconds == 0)
    }
}
