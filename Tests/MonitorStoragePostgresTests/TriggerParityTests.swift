import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import StorageTestSupport
import Testing

/// PostgreSQL's triggers (`PostgresSchema.triggers`) against SQLite's: one script of job,
/// run, window, key and audit changes, written once over ``SQLSession``, runs on both fresh
/// schemas, and what the triggers keep (run totals, day tallies, the job change log, the
/// counters) must read the same, and right.
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct TriggerParityTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T09:46:40Z

    static func at(_ milliseconds: Int64) -> SQLValue {
        .date(start.addingTimeInterval(Double(milliseconds) / 1000))
    }

    static let day: Int64 = 86_400_000

    /// The changes, in transactions of their own as the store makes them.
    static func script(
        _ transaction: (@escaping @Sendable (any SQLSession) throws -> Void) async throws -> Void
    ) async throws {
        try await transaction { session in
            for job in ["alpha", "beta", "gamma"] {
                try session.execute(
                    """
                    INSERT INTO job_configs (job_id, schedule, timezone, tolerance_seconds, created_at, updated_at,
                        watched_since, ping_uuid)
                    VALUES (?, '0 0 * * *', 'UTC', 60, ?, ?, ?, ?)
                    """, [.text(job), at(0), at(0), at(0), .text("uuid-\(job)")])
            }
            try session.execute("UPDATE job_configs SET description = 'nightly' WHERE job_id = 'alpha'")
            try session.execute("DELETE FROM job_configs WHERE job_id = 'gamma'")
        }
        let insert = "INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES (?, ?, ?, ?, ?)"
        let end = "UPDATE job_runs SET status = ?, end_time = ? WHERE run_id = ?"
        try await transaction { session in
            // alpha: a run that ends after 1,234 ms, and another of 1,239 ms the same day (one bucket, 1,230).
            try session.execute(insert, ["a1", "alpha", "running", at(0), nil])
            try session.execute(end, ["succeeded", at(1234), "a1"])
            try session.execute(insert, ["a2", "alpha", "succeeded", at(5000), at(6239)])
            // A failed run recorded whole, the next day, 98,765 ms long (bucket 98,700).
            try session.execute(insert, ["a3", "alpha", "failed", at(day), at(day + 98_765)])
        }
        try await transaction { session in
            // An end without a start (no length), joined by its start later (DESIGN 10.2).
            try session.execute(insert, ["a4", "alpha", "succeeded", nil, at(2 * day)])
            try session.execute("UPDATE job_runs SET start_time = ? WHERE run_id = 'a4'", [at(2 * day - 500)])
            // A status written again unchanged counts nothing.
            try session.execute("UPDATE job_runs SET status = 'succeeded' WHERE run_id = 'a4'")
        }
        try await transaction { session in
            // beta: an end before its start (clock skew), a run under a second, one still running.
            try session.execute(insert, ["b1", "beta", "running", at(10_000), nil])
            try session.execute(end, ["failed", at(8500), "b1"])
            try session.execute(insert, ["b2", "beta", "succeeded", at(20_000), at(20_999)])
            try session.execute(insert, ["b3", "beta", "running", at(30_000), nil])
        }
        try await transaction { session in
            let window = "INSERT INTO windows (name, definition, created_at, updated_at) VALUES (?, '{}', ?, ?)"
            try session.execute(window, ["w1", at(0), at(0)])
            try session.execute(window, ["w2", at(0), at(0)])
            try session.execute("UPDATE windows SET definition = '{\"mode\":\"skip\"}' WHERE name = 'w1'")
            try session.execute("DELETE FROM windows WHERE name = 'w2'")
            try session.execute(
                """
                INSERT INTO api_keys (name, scope, secret_hash, hint, created_at, created_by)
                VALUES ('ci', 'sync', 'hash', 'crk_ab', ?, 'admin')
                """, [at(0)])
            try session.execute("UPDATE api_keys SET revoked_at = ?, revoked_by = 'admin'", [at(1000)])
            try session.execute(
                "INSERT INTO audit_log (at, actor, via, kind, target) VALUES (?, 'admin', 'cli', 'key', 'ci')",
                [at(0)])
        }
    }

    /// What the triggers kept, as lines that compare and print well.
    static func kept(_ session: any SQLSession) throws -> [String] {
        func instant(_ date: Date?) -> String {
            date.map { String(Int64(($0.timeIntervalSince(start) * 1000).rounded())) } ?? "-"
        }
        var lines: [String] = []
        try session.forEach(
            """
            SELECT job_id, succeeded, failed, last_success_at, last_failure_at, last_start_time, last_end_time
            FROM job_run_totals ORDER BY job_id
            """, []
        ) { row in
            lines.append(
                "totals \(try row.text(0)) ok \(try row.int64(1)) failed \(try row.int64(2)) "
                    + "last ok \(instant(try row.optionalDate(3))) last failed \(instant(try row.optionalDate(4))) "
                    + "last run \(instant(try row.optionalDate(5)))..\(instant(try row.optionalDate(6)))")
        }
        try session.forEach(
            "SELECT job_id, day, bucket, runs, succeeded, failed FROM job_run_days ORDER BY job_id, day, bucket", []
        ) { row in
            lines.append(
                "day \(try row.text(0)) \(try row.text(1)) bucket \(try row.int64(2)): \(try row.int64(3)) runs, "
                    + "\(try row.int64(4)) ok, \(try row.int64(5)) failed")
        }
        let changes = try session.fetchAll("SELECT job_id FROM job_config_changes ORDER BY seq").map { try $0.text(0) }
        lines.append("job changes \(changes.joined(separator: " "))")
        try session.forEach(
            "SELECT key, value FROM monitor_state WHERE key IN ('windows_version', 'keys_version') ORDER BY key", []
        ) { row in lines.append("\(try row.text(0)) \(try row.text(1))") }
        return lines
    }

    @Test func postgresKeepsWhatSQLiteKeeps() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        try MonitorStore(path: path).close()
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try await Self.script { body in try await queue.write { db in try body(GRDBSession(db)) } }
        let sqlite = try await queue.read { db in try Self.kept(GRDBSession(db)) }

        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            try await PostgresMigrator.migrate(lane, location: url.location)
            try await Self.script { body in try await lane.transaction { session in try body(session) } }
            let postgres = try await lane.transaction(.readOnly) { session in try Self.kept(session) }
            #expect(postgres == sqlite)
            // Both could be wrong alike: what they must be, worked out by hand.
            #expect(
                sqlite == [
                    "totals alpha ok 3 failed 1 last ok 172800000 last failed 86498765 last run -..172800000",
                    "totals beta ok 1 failed 1 last ok 20999 last failed 8500 last run 20000..20999",
                    "day alpha 2026-11-18 bucket 1230: 2 runs, 2 ok, 0 failed",
                    "day alpha 2026-11-19 bucket 98700: 1 runs, 0 ok, 1 failed",
                    "day alpha 2026-11-20 bucket 500: 1 runs, 1 ok, 0 failed",
                    "day beta 2026-11-18 bucket -1500: 1 runs, 0 ok, 1 failed",
                    "day beta 2026-11-18 bucket 999: 1 runs, 1 ok, 0 failed",
                    "job changes alpha beta gamma alpha gamma",
                    "keys_version 2",
                    "windows_version 4",
                ])
            // The change log's seq is the counter, one after another, in commit order.
            let (seqs, counter) = try await lane.transaction(.readOnly) { session in
                (
                    try session.fetchAll("SELECT seq FROM job_config_changes ORDER BY seq").map { try $0.int64(0) },
                    try session.fetchOne("SELECT CAST(value AS bigint) FROM monitor_state WHERE key = 'job_changes'")!
                        .int64(0)
                )
            }
            #expect(seqs == [1, 2, 3, 4, 5])
            #expect(counter == 5)
        }
    }

    @Test func theAuditLogRefusesChangesAndKeepsItsRows() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            try await PostgresMigrator.migrate(lane, location: url.location)
            try await lane.transaction { session in
                try session.execute(
                    "INSERT INTO audit_log (at, actor, via, kind, target) VALUES (?, 'admin', 'cli', 'key', 'ci')",
                    [Self.at(0)])
            }
            for change in [
                "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            ] {
                let error = await #expect(throws: (any Error).self, "\(change)") {
                    try await lane.transaction { session in try session.execute(change) }
                }
                #expect(
                    "\(error.map { "\($0)" } ?? "")".contains("append-only"), "\(change): \(String(describing: error))")
            }
            let actors = try await lane.transaction(.readOnly) { session in
                try session.fetchAll("SELECT actor FROM audit_log").map { try $0.text(0) }
            }
            #expect(actors == ["admin"])
        }
    }
}
