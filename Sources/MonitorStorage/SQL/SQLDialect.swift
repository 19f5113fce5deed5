/// What differs between the SQL the store writes for SQLite and for PostgreSQL, and
/// nothing else: statements are written once, in SQLite's placeholders (`?`, `?N`), and
/// ask the dialect for these few fragments.
package struct SQLDialect: Sendable, Hashable {
    package enum Database: Sendable, Hashable {
        case sqlite
        case postgres
    }

    package let database: Database

    package static let sqlite = SQLDialect(database: .sqlite)
    package static let postgres = SQLDialect(database: .postgres)

    /// ` INDEXED BY index` on SQLite, which otherwise may pick a worse plan for the store's
    /// hot reads; nothing on PostgreSQL, whose planner takes no such hint.
    package func indexedBy(_ index: String) -> String {
        database == .sqlite ? " INDEXED BY \(index)" : ""
    }

    /// A subquery of the ids bound as one ``SQLValue/integers(_:)`` parameter, for
    /// `id IN \(idList("?"))`.
    package func idList(_ placeholder: String) -> String {
        switch database {
        case .sqlite: "(SELECT value FROM json_each(\(placeholder)))"
        case .postgres: "(SELECT unnest(CAST(\(placeholder) AS bigint[])))"
        }
    }

    /// The seconds between two instant expressions, as a real number.
    package func seconds(from start: String, to end: String) -> String {
        switch database {
        case .sqlite: "((julianday(\(end)) - julianday(\(start))) * 86400.0)"
        case .postgres: "EXTRACT(EPOCH FROM (\(end)) - (\(start)))::float8"
        }
    }

    /// A query of one integer: how many job changes were ever logged, which only grows even
    /// as the log is pruned (the job cache's key). SQLite numbers the log with
    /// AUTOINCREMENT, whose high mark it keeps; PostgreSQL's triggers keep a counter that
    /// commits in order (``PostgresSchema``).
    package var jobChangeCounter: String {
        switch database {
        case .sqlite: "SELECT seq FROM sqlite_sequence WHERE name = 'job_config_changes'"
        case .postgres: "SELECT CAST(value AS bigint) FROM monitor_state WHERE key = 'job_changes'"
        }
    }

    /// ` COLLATE "C"` after an `ORDER BY` of text that must come in the byte order Swift
    /// compares in (the job list walked beside another, in MonitorStore+Status.swift):
    /// PostgreSQL's default collation follows the database's locale; SQLite's is bytes.
    package var byteOrder: String { database == .postgres ? " COLLATE \"C\"" : "" }

    /// ` FOR UPDATE` after a `SELECT` whose rows the transaction will change; nothing on
    /// SQLite, where the one writer already excludes every other.
    package var forUpdate: String { database == .postgres ? " FOR UPDATE" : "" }

    /// ` FOR UPDATE SKIP LOCKED`, for rows that another node may be claiming at the same
    /// moment; nothing on SQLite.
    package var forUpdateSkipLocked: String { database == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }
}
