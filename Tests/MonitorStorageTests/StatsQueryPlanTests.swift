import Config
import CronicleTestSupport
import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorStorage

/// A job's stats must cost the index entries of its window, never its runs' rows nor a
/// date parsed per run: the read is checked with SQLite's own query plan and the index's
/// columns on a migrated database.
@Suite struct StatsQueryPlanTests {
    @Test func theRunTallyReadsOnlyTheIndexOfEnds() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        let plan = try await store.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + MonitorStore.runTallySQL(windows: 2),
                arguments: ["2026-11-01 00:00:00.000", "2026-11-24 00:00:00.000", "job", "2026-11-01 00:00:00.000"]
            ).map { $0["detail"] as String }
        }
        #expect(plan == ["SEARCH job_runs USING INDEX job_runs_by_end (job_id=? AND end_time>?)"])
        // What the tally reads is in the index itself (SQLite 3.40 still names the search
        // "USING INDEX" when a generated column comes from the index).
        let columns = try await store.read { db in
            try Row.fetchAll(db, sql: "PRAGMA index_info(job_runs_by_end)").map { $0["name"] as String }
        }
        #expect(columns == ["job_id", "end_time", "status", "duration_ms"])
    }

    @Test func aRunsLengthIsItsEndLessItsStartToTheMillisecond() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        _ = try await store.saveJob(.init(jobID: "job", schedule: "@daily"), by: ChangeAuthor("test", via: .api))
        let lengths = try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES
                        ('a', 'job', 'succeeded', '2026-11-30 23:59:59.250', '2026-12-01 00:01:00.001'),
                        ('b', 'job', 'succeeded', NULL, '2026-12-01 00:01:00.001'),
                        ('c', 'job', 'running', '2026-12-01 00:01:00.001', NULL)
                    """)
            return try Row.fetchAll(db, sql: "SELECT run_id, duration_ms FROM job_runs ORDER BY run_id")
                .map { "\($0["run_id"] as String)=\(($0["duration_ms"] as Int64?).map(String.init) ?? "nil")" }
        }
        #expect(lengths == ["a=60751", "b=nil", "c=nil"])
    }
}
