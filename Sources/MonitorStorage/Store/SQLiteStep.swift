import GRDB
import GRDBSQLite
import MonitorDomain

/// One execution of a cached statement through SQLite's C API, for the two pings
/// that every job sends.
///
/// GRDB's `Row` and `StatementArguments` box every value and allocate a row per fetch;
/// on the start and end pings that was a third of the database writer's time. This
/// binds and reads columns directly. It is only for statements of the store's own hot
/// path, inside the writer's transaction; everything else goes through GRDB.
///
/// ```swift
/// var step = SQLiteStep(try db.cachedStatement(sql: "SELECT status FROM job_runs WHERE run_id = ?"))
/// step.bind(1, runID)
/// if try step.next() { let status = step.text(0) }
/// ```
struct SQLiteStep: ~Copyable {
    private let handle: OpaquePointer

    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    deinit {
        // Leaves the statement ready for its next use and releases its read lock.
        sqlite3_reset(handle)
    }

    /// Binds text (SQLite copies it) or NULL to the 1-based parameter `index`.
    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Binds an integer or NULL to the 1-based parameter `index`.
    func bind(_ index: Int32, _ value: Int?) {
        if let value { sqlite3_bind_int64(handle, index, Int64(value)) } else { sqlite3_bind_null(handle, index) }
    }

    /// Steps once: true when a row is ready to read, false when the statement is done.
    func next() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                sql: String(cString: sqlite3_sql(handle)))
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        while try next() {}
    }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    /// An integer column; nil when it is NULL.
    func int(_ column: Int32) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    func bool(_ column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }

    /// SQLite's `SQLITE_TRANSIENT`, a macro Swift cannot import: SQLite copies the value.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
