import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import Testing

@testable import MonitorStorage

/// A job's stats read whole days from the day tallies the triggers keep, and the first,
/// partial day of each window from the runs: together they must count exactly what the
/// runs say, with lengths rounded down to three significant digits.
@Suite struct RunDayTalliesTests {
    static let author = ChangeAuthor("test", via: .api)

    struct Ended {
        var end: Date
        var length: Int64?
        var failed: Bool
    }

    @Test func statsFromTalliesAreTheRunsOwnFigures() async throws {
        let folder = try TemporaryFolder()
        let clock = ManualClock("2026-11-28T12:34:56Z")
        let store = try MonitorStore(path: folder.url("cronicle.db"), clock: clock)
        _ = try await store.saveJob(JobDefinition(jobID: "job", schedule: "*/5 * * * *"), by: Self.author)
        // 1,600 runs ending 37 minutes apart back from now (41 days), of many lengths; every
        // 7th failed, every 11th without a start.
        let now = clock.now
        let runs = (0..<1_600).map { index -> Ended in
            let length: Int64? = index % 11 == 0 ? nil : Int64(index * 7_919 % 5_000_000 + index % 900)
            return Ended(end: now.addingTimeInterval(-Double(index) * 37 * 60), length: length, failed: index % 7 == 0)
        }
        try await store.writeDatabase { db in
            for (index, run) in runs.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES (?, 'job', ?, ?, ?)
                        """,
                    arguments: [
                        "run-\(index)", run.failed ? "failed" : "succeeded",
                        run.length.map { Timestamp.databaseText(from: run.end.addingTimeInterval(-Double($0) / 1000)) },
                        Timestamp.databaseText(from: run.end),
                    ])
            }
        }
        // A run recorded by its end alone that gets its start afterwards (the store itself
        // keeps such a run without a start; an import might not) moves to its length's bucket.
        _ = try await store.endRun(.id("job"), RunEnd(runID: "late", exitCode: 0))
        try await store.writeDatabase { db in
            try db.execute(
                sql: "UPDATE job_runs SET start_time = ? WHERE run_id = 'late'",
                arguments: [Timestamp.databaseText(from: now.addingTimeInterval(-2.5))])
        }
        let all = runs + [Ended(end: now, length: 2_500, failed: false)]

        let stats = try await store.jobStats("job")
        #expect(stats.map(\.days) == [7, 30])
        for window in stats {
            let since = now.addingTimeInterval(-Double(window.days) * 86_400)
            let inWindow = all.filter { $0.end >= since }
            let lengths = inWindow.compactMap(\.length).sorted().map { Double($0) / 1000 }
            #expect(window.runs == inWindow.count, "\(window.days) days")
            #expect(window.failed == inWindow.filter(\.failed).count, "\(window.days) days")
            #expect(window.succeeded == inWindow.count - window.failed, "\(window.days) days")
            for (quantile, value) in [(0.5, window.durationP50), (0.95, window.durationP95)] {
                // Rounding down keeps the order, so the rounded lengths' quantile is the
                // exact quantile rounded.
                // The nearest rank, from the sorted list of every length.
                let exact = lengths[max(Int((quantile * Double(lengths.count)).rounded(.up)) - 1, 0)]
                let rounded = Double(MonitorStore.lengthBucket(Int64((exact * 1000).rounded()))) / 1000
                #expect(value == rounded, "p\(Int(quantile * 100)) of \(window.days) days")
                #expect(value.map { $0 <= exact && exact - $0 <= exact * 0.01 } == true)
            }
        }
        #expect(stats[0].runs > 250 && stats[1].runs > 1_100, "both windows have whole days and a partial one")
        let lateBuckets = try await store.readDatabase { db in
            try Row.fetchAll(
                db, sql: "SELECT bucket, runs FROM job_run_days WHERE day = ? AND bucket IN (?, 2500)",
                arguments: [String(Timestamp.databaseText(from: now).prefix(10)), MonitorStore.noLengthBucket]
            ).map { "\($0[0] as Int64)=\($0[1] as Int)" }
        }
        #expect(lateBuckets.contains("2500=1"), "\(lateBuckets)")
    }

    /// A database from before the tallies gets them from its runs when it is migrated.
    @Test func theMigrationCountsTheRunsAlreadyThere() throws {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.url("monitor.sqlite"))
        try MonitorStore.migrator.migrate(queue, upTo: MonitorStore.statsMigration)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_configs (job_id, schedule, timezone, tolerance_seconds, created_at, updated_at,
                        watched_since, ping_uuid)
                    VALUES ('job', '@daily', 'UTC', 60, '2026-11-01', '2026-11-01', '2026-11-01', 'uuid-1');
                    INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES
                        ('a', 'job', 'succeeded', '2026-11-20 10:00:00.000', '2026-11-20 10:01:01.234'),
                        ('b', 'job', 'failed', '2026-11-20 11:00:00.000', '2026-11-20 11:01:01.299'),
                        ('c', 'job', 'succeeded', NULL, '2026-11-21 00:00:00.000'),
                        ('d', 'job', 'running', '2026-11-21 01:00:00.000', NULL)
                    """)
        }
        try MonitorStore.migrator.migrate(queue)
        let tallies = try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT day, bucket, runs, succeeded, failed FROM job_run_days ORDER BY day, bucket"
            )
            .map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as Int)/\($0[3] as Int)/\($0[4] as Int)" }
        }
        #expect(
            tallies == [
                "2026-11-20 61200 2/1/1", "2026-11-21 \(MonitorStore.noLengthBucket) 1/1/0",
            ])
    }
}
