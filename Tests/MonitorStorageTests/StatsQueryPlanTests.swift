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
    @Test func aWindowsFirstDayReadsOnlyTheIndexOfEndsAndItsOtherDaysTheTallies() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        let plans = try await store.readDatabase { db in
            try [
                (MonitorStore.firstDayRunsSQL, ["job", "2026-11-01 06:00:00.000", "2026-11-02 00:00:00.000"]),
                (
                    "SELECT day, bucket, runs, succeeded, failed FROM job_run_days WHERE job_id = ? AND day > ?",
                    ["job", "2026-11-01"]
                ),
            ].map { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                    .map { $0["detail"] as String }
            }
        }
        #expect(
            plans == [
                ["SEARCH job_runs USING INDEX job_runs_by_end (job_id=? AND end_time>? AND end_time<?)"],
                ["SEARCH job_run_days USING PRIMARY KEY (job_id=? AND day>?)"],
            ])
        // What the first day's read needs is in the index itself (SQLite 3.40 still names
        // the search "USING INDEX" when a generated column comes from the index).
        let columns = try await store.readDatabase { db in
            try Row.fetchAll(db, sql: "PRAGMA index_info(job_runs_by_end)").map { $0["name"] as String }
        }
        #expect(columns == ["job_id", "end_time", "status", "duration_ms"])
    }

    /// The triggers put a length in its bucket in SQL, the first day's runs in Swift: both
    /// must agree, for every number of digits and both signs.
    @Test func aLengthsBucketIsTheSameInSQLAndInSwift() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        var lengths: [Int64?] = [nil, 0, 1, 999, 1_000, 1_001, 1_999, 12_345, 60_000, 99_999, 100_000, 123_456_789]
        lengths += lengths.compactMap { $0.map { -$0 } }
        lengths += (0..<200).map { _ in Int64.random(in: -10_000_000_000...10_000_000_000) }
        let asked = lengths
        let inSQL = try await store.readDatabase { db in
            try asked.map { length in
                try Int64.fetchOne(
                    db, sql: "SELECT \(MonitorStore.lengthBucketSQL("?1"))", arguments: [length])
            }
        }
        #expect(inSQL == lengths.map { MonitorStore.lengthBucket($0) })
        #expect(MonitorStore.lengthBucket(123_456_789) == 123_000_000)
        #expect(MonitorStore.lengthBucket(-12_345) == -12_300 && MonitorStore.lengthBucket(999) == 999)
        #expect(MonitorStore.lengthBucket(nil) == MonitorStore.noLengthBucket)
        for length in lengths.compactMap({ $0 }) where length >= 1_000 {
            let bucket = MonitorStore.lengthBucket(length)
            #expect(bucket <= length && Double(length - bucket) < Double(length) * 0.01, "\(length)")
        }
    }

    @Test func aRunsLengthIsItsEndLessItsStartToTheMillisecond() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        _ = try await store.saveJob(.init(jobID: "job", schedule: "@daily"), by: ChangeAuthor("test", via: .api))
        let lengths = try await store.writeDatabase { db in
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
