import Foundation
import GRDB
import MonitorDomain
import MonitorStorage

/// `cronicle migrate`: everything of a SQLite store (jobs with their ownership, runs and
/// their output, alerts, deliveries, the sync history, channels, windows, keys, sessions,
/// the audit log, the engine's marks) copied into a PostgreSQL database with this
/// build's schema and nothing in it, in one PostgreSQL transaction, then counted on both
/// sides; a count that differs rolls everything back.
///
/// Each table's columns and types come from PostgreSQL's catalog, and each SQLite value is
/// converted to what the column holds (text instants to `timestamptz`, 0 and 1 to
/// `boolean`). The triggers that count changes and ended runs are off during the copy,
/// since their results are copied too, and the identities continue after the largest id.
package enum StoreCopier {
    /// The tables, parents before the tables whose foreign keys name them.
    package static let tables = [
        "job_configs", "job_config_changes", "monitor_state", "job_runs", "run_outputs", "failure_streaks",
        "job_run_totals", "job_run_days", "job_alerts", "sync_history", "channels", "deliveries", "windows",
        "api_keys", "sessions", "audit_log",
    ]

    /// What was copied: rows per table, the same on both sides.
    package struct Report: Sendable {
        package var rows: [(table: String, count: Int)] = []
    }

    /// Copies the SQLite store `source` (opened read-only, so with this build's schema)
    /// into `target`, which must be migrated and hold no Cronicle data.
    package static func copy(from store: MonitorStore, to target: PostgresBackend) async throws -> Report {
        guard let sqlite = store.sqlite else { throw MonitorError(.internalError, "the source is not a SQLite file") }
        let source = store.location
        let location = target.location
        return try await target.writeLane.transaction { session in
            let occupied = try tables.filter { table in
                try session.fetchOne("SELECT EXISTS (SELECT 1 FROM \(table))")?.bool(0) == true
                    && table != "monitor_state"
            }
            guard occupied.isEmpty else {
                throw MonitorError(
                    .conflict,
                    "the database at \(location) already holds Cronicle data (in \(occupied.joined(separator: ", "))); "
                        + "migrate into a new, empty database")
            }
            for table in ["job_configs", "job_runs", "windows", "api_keys", "audit_log"] {
                try session.execute("ALTER TABLE \(table) DISABLE TRIGGER USER")
            }
            var report = Report()
            try sqlite.readSynchronously { db in
                for table in tables {
                    let copied = try copy(table, from: db, to: session)
                    let targetCount = try session.fetchOne("SELECT count(*) FROM \(table)")?.int(0) ?? -1
                    let sourceCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -2
                    let expected = table == "monitor_state" ? targetCount : sourceCount
                    guard copied == sourceCount, targetCount == expected else {
                        throw MonitorError(
                            .internalError,
                            "\(table): \(sourceCount) rows in \(source), \(targetCount) after the copy; nothing was kept"
                        )
                    }
                    report.rows.append((table, sourceCount))
                }
            }
            for table in ["job_configs", "job_runs", "windows", "api_keys", "audit_log"] {
                try session.execute("ALTER TABLE \(table) ENABLE TRIGGER USER")
            }
            for table in ["job_runs", "job_alerts", "sync_history", "deliveries", "audit_log"] {
                try session.execute(
                    "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT max(id) FROM \(table)), true) "
                        + "WHERE EXISTS (SELECT 1 FROM \(table))")
            }
            // The change log's counter (SQLite keeps its high mark in sqlite_sequence).
            try session.execute(
                """
                UPDATE monitor_state SET value = CAST(COALESCE((SELECT max(seq) FROM job_config_changes), 0) AS text)
                WHERE key = 'job_changes'
                """)
            return report
        }
    }

    /// Copies one table's rows; answers how many.
    private static func copy(_ table: String, from db: Database, to session: any SQLSession) throws -> Int {
        let columns = try session.fetchAll(
            """
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
            ORDER BY ordinal_position
            """, [.text(table)]
        ).map { (name: try $0.text(0), type: try $0.text(1)) }.filter {
            !PostgresSchema.clusterOnly.contains("\(table).\($0.name)")
        }
        let names = columns.map(\.name).joined(separator: ", ")
        let marks = columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
        let insert =
            table == "monitor_state"
            ? "INSERT INTO monitor_state (\(names)) VALUES (\(marks)) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            : "INSERT INTO \(table) (\(names)) VALUES (\(marks))"
        var count = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT \(names) FROM \(table)")
        while let row = try rows.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for (index, column) in columns.enumerated() {
                values.append(try value(row[index], as: column.type, column: "\(table).\(column.name)"))
            }
            try session.execute(insert, values)
            count += 1
        }
        return count
    }

    /// A SQLite value as the PostgreSQL column of `type` takes it.
    private static func value(_ value: DatabaseValue, as type: String, column: String) throws -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let integer):
            switch type {
            case "boolean": return .bool(integer != 0)
            case "text": return .text(String(integer))
            default: return .integer(integer)
            }
        case .double(let double): return type == "bigint" ? .integer(Int64(double)) : .real(double)
        case .string(let text):
            switch type {
            case "timestamp with time zone":
                guard let date = Timestamp.fromDatabaseText(text) ?? Date.fromDatabaseValue(value) else {
                    throw MonitorError(.invalidRequest, "\(column) holds '\(text)', which is no instant")
                }
                return .date(date)
            case "bytea": return .blob(Array(text.utf8))
            default: return .text(text)
            }
        case .blob(let data):
            return type == "text" ? .text(String(decoding: data, as: UTF8.self)) : .blob([UInt8](data))
        }
    }
}
