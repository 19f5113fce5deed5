import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import StorageTestSupport
import Testing

/// PostgreSQL's schema (`PostgresSchema`) against SQLite's after all its migrations: the
/// same tables, the same columns with the same nullability, the same named indexes with
/// the same uniqueness. What differs on purpose (types, triggers) is not compared.
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct SchemaParityTests {
    /// A table's columns (name and whether it may be NULL) and its named indexes (name
    /// and whether unique), as text lines that compare and print well.
    typealias Shape = [String: [String]]

    static func sqliteShape() async throws -> Shape {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let store = try MonitorStore(path: path)
        var configuration = Configuration()
        // The store's own connections may still be at work on the file (its first checkpoint).
        configuration.busyMode = .timeout(10)
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { withExtendedLifetime(store) {} }
        return try await queue.read { db in
            var shape: Shape = [:]
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT IN ('grdb_migrations', 'sqlite_sequence')
                    """)
            for table in tables {
                var lines: [String] = []
                for column in try Row.fetchAll(db, sql: "PRAGMA table_xinfo(\(table))") {
                    let name: String = column["name"]
                    let notNull = (column["notnull"] as Int) == 1 || (column["pk"] as Int) > 0
                    lines.append("column \(name) \(notNull ? "NOT NULL" : "NULL")")
                }
                for index in try Row.fetchAll(db, sql: "PRAGMA index_list(\(table))") where index["origin"] == "c" {
                    let name: String = index["name"]
                    lines.append("index \(name)\((index["unique"] as Int) == 1 ? " UNIQUE" : "")")
                }
                shape[table] = lines.sorted()
            }
            return shape
        }
    }

    static func postgresShape(_ url: DatabaseURL) async throws -> Shape {
        let lane = PostgresLane(url: url)
        defer { lane.close() }
        try await PostgresMigrator.migrate(lane, location: url.location)
        return try await lane.transaction(.readOnly) { session in
            var shape: Shape = [:]
            try session.forEach(
                """
                SELECT table_name, column_name, is_nullable FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'cronicle_migrations'
                """, []
            ) { row in
                let (table, column) = (try row.text(0), try row.text(1))
                // Several nodes' own state, which SQLite has no use for.
                guard !PostgresSchema.clusterOnly.contains(table),
                    !PostgresSchema.clusterOnly.contains("\(table).\(column)")
                else { return }
                let notNull = try row.text(2) == "NO"
                shape[table, default: []].append("column \(column) \(notNull ? "NOT NULL" : "NULL")")
            }
            // Named indexes only: those behind PRIMARY KEY and UNIQUE constraints are SQLite's
            // automatic ones, which the table's definition already compares.
            try session.forEach(
                """
                SELECT t.relname, i.relname, x.indisunique FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relname <> 'cronicle_migrations'
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """, []
            ) { row in
                shape[try row.text(0), default: []].append(
                    "index \(try row.text(1))\(try row.bool(2) ? " UNIQUE" : "")")
            }
            return shape.mapValues { $0.sorted() }
        }
    }

    @Test func postgresHasSQLitesTablesColumnsAndIndexes() async throws {
        let sqlite = try await Self.sqliteShape()
        try await TemporaryPostgresDatabase.with { url in
            let postgres = try await Self.postgresShape(url)
            #expect(Set(postgres.keys) == Set(sqlite.keys))
            for table in sqlite.keys.sorted() {
                let missing = Set(sqlite[table] ?? []).subtracting(postgres[table] ?? [])
                let extra = Set(postgres[table] ?? []).subtracting(sqlite[table] ?? [])
                #expect(
                    missing.isEmpty && extra.isEmpty,
                    "\(table): PostgreSQL lacks \(missing.sorted()), has more \(extra.sorted())")
            }
        }
    }

    @Test func migratingTwiceAppliesNothingTheSecondTime() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            let first = try await PostgresMigrator.migrate(lane, location: url.location)
            let second = try await PostgresMigrator.migrate(lane, location: url.location)
            #expect(first == PostgresSchema.migrations.map(\.id))
            #expect(second == [])
        }
    }

    @Test func twoNodesMigratingAtOnceApplyEachMigrationOnce() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let first = PostgresLane(url: url, name: "node-a")
            let second = PostgresLane(url: url, name: "node-b")
            defer {
                first.close()
                second.close()
            }
            async let appliedByFirst = PostgresMigrator.migrate(first, location: url.location)
            async let appliedBySecond = PostgresMigrator.migrate(second, location: url.location)
            let applied = try await appliedByFirst + appliedBySecond
            #expect(applied.sorted() == PostgresSchema.migrations.map(\.id).sorted())
        }
    }

    @Test func aDatabaseOfANewerCronicleIsRefusedAndLeftAsItIs() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            try await PostgresMigrator.migrate(lane, location: url.location)
            try await lane.transaction { session in
                try session.execute("INSERT INTO cronicle_migrations (id) VALUES ('p99: from the future')")
            }
            let error = try await #require(throws: MonitorError.self) {
                try await PostgresMigrator.migrate(lane, location: url.location)
            }
            #expect(error.message.contains("written by a newer Cronicle"), "\(error.message)")
            #expect(error.message.contains("p99: from the future"), "\(error.message)")
            let count = try await lane.transaction { session in
                try session.fetchOne("SELECT count(*) FROM cronicle_migrations")!.int64(0)
            }
            #expect(count == Int64(PostgresSchema.migrations.count) + 1)
        }
    }
}
