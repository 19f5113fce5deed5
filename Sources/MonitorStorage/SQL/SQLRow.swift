import Foundation
import GRDB
import GRDBSQLite
import MonitorDomain

/// One row of a result, read by column index or name with typed getters that throw a
/// clear error when a column holds something else, the same on every database.
///
/// A row from ``SQLSession/forEach(_:_:_:)`` is valid only inside the closure it is
/// given to (SQLite reuses it for the next row); rows from `fetchAll` and `fetchOne`
/// are copies.
package struct SQLRow {
    private enum Storage {
        /// GRDB's row, read in place: no value is copied until a getter asks for it. The
        /// statement it came from finds columns by name (its index of names is made once
        /// per connection); when the row is the statement's current one (a cursor's),
        /// instants are parsed from SQLite's own buffer.
        case sqlite(Row, Statement?)
        case values([SQLValue], SQLColumnNames)
    }

    private let storage: Storage
    /// SQLite's statement while `storage`'s row is its current one: the getters read
    /// columns from it through the C API, as GRDB's own typed subscripts do, without a
    /// `DatabaseValue` or an ``SQLValue`` per column (a 10,000-job `GET /metrics` reads
    /// some 300,000 columns). Kept apart from `storage` so that reaching it costs no
    /// reference counting.
    private let current: OpaquePointer?

    /// A row of SQLite's, as GRDB gives it, from `statement`. With `isCurrent`, `row` must
    /// be the statement's current row (a cursor's, during its call): ``date(_:)`` then
    /// reads instants without making a string, which counts when every job's dates are
    /// read at once (the job list, `GET /metrics`: some 70,000 of them).
    package init(_ row: Row, statement: Statement? = nil, isCurrent: Bool = false) {
        storage = .sqlite(row, statement)
        current = isCurrent ? statement?.sqliteStatement : nil
    }

    /// A row of values already decoded, as the PostgreSQL driver makes them.
    package init(values: [SQLValue], columns: SQLColumnNames) {
        storage = .values(values, columns)
        current = nil
    }

    /// The SQLite type of a column of the statement's current row.
    private func type(_ handle: OpaquePointer, _ index: Int) -> Int32 { sqlite3_column_type(handle, Int32(index)) }

    /// How many columns the row has.
    package var count: Int {
        switch storage {
        case .sqlite(let row, _): row.count
        case .values(let values, _): values.count
        }
    }

    /// The index of the column named `name` (without case), or an error that names it.
    package func index(of name: String) throws -> Int {
        let index: Int? =
            switch storage {
            case .sqlite(_, let statement?):
                // Without case, as GRDB's own lookup by name is.
                statement.index(ofColumn: name)
            case .sqlite(let row, nil):
                Array(row.columnNames).firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
            case .values(_, let columns): columns.index(of: name)
            }
        guard let index else { throw MonitorError(.internalError, "the result has no column named \(name)") }
        return index
    }

    /// The column's value as the driver read it.
    package func value(_ index: Int) -> SQLValue {
        switch storage {
        case .values(let values, _):
            return values[index]
        case .sqlite(let row, _):
            let value: DatabaseValue = row[index]
            switch value.storage {
            case .null: return .null
            case .int64(let integer): return .integer(integer)
            case .double(let double): return .real(double)
            case .string(let text): return .text(text)
            case .blob(let data): return .blob([UInt8](data))
            }
        }
    }

    /// Whether the column is NULL.
    package func isNull(_ index: Int) -> Bool {
        if let current { return type(current, index) == SQLITE_NULL }
        return switch storage {
        case .sqlite(let row, _): row.hasNull(atIndex: index)
        case .values(let values, _): values[index] == .null
        }
    }

    package func int64(_ index: Int) throws -> Int64 {
        if let current, type(current, index) == SQLITE_INTEGER { return sqlite3_column_int64(current, Int32(index)) }
        switch value(index) {
        case .integer(let integer): return integer
        case .bool(let flag): return flag ? 1 : 0
        case .real(let double) where double.rounded() == double && abs(double) < 9.2e18: return Int64(double)
        case let other: throw mismatch(index, other, "an integer")
        }
    }

    package func int(_ index: Int) throws -> Int { Int(try int64(index)) }

    package func double(_ index: Int) throws -> Double {
        switch value(index) {
        case .real(let double): return double
        case .integer(let integer): return Double(integer)
        case let other: throw mismatch(index, other, "a number")
        }
    }

    package func text(_ index: Int) throws -> String {
        if let current, type(current, index) == SQLITE_TEXT, let text = sqlite3_column_text(current, Int32(index)) {
            return String(
                decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(current, Int32(index)))),
                as: UTF8.self)
        }
        switch value(index) {
        case .text(let text): return text
        case let other: throw mismatch(index, other, "text")
        }
    }

    /// A flag: PostgreSQL's `boolean`, or SQLite's integer (0 is false).
    package func bool(_ index: Int) throws -> Bool {
        if let current, type(current, index) == SQLITE_INTEGER {
            return sqlite3_column_int64(current, Int32(index)) != 0
        }
        switch value(index) {
        case .bool(let flag): return flag
        case .integer(let integer): return integer != 0
        case let other: throw mismatch(index, other, "a flag")
        }
    }

    /// An instant: PostgreSQL's `timestamptz`, or SQLite's text in the store's form
    /// (``Timestamp/fromDatabaseText(_:)``) or any form GRDB reads as a date.
    package func date(_ index: Int) throws -> Date {
        if let current, type(current, index) == SQLITE_TEXT, let text = sqlite3_column_text(current, Int32(index)),
            let date = Timestamp.fromDatabaseText(
                UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(current, Int32(index)))))
        {
            return date
        }
        switch storage {
        case .values(let values, _):
            if case .date(let date) = values[index] { return date }
            throw mismatch(index, values[index], "an instant")
        case .sqlite(let row, _):
            let value: DatabaseValue = row[index]
            if case .string(let text) = value.storage, let date = Timestamp.fromDatabaseText(text) { return date }
            if !value.isNull, let date = Date.fromDatabaseValue(value) { return date }
            throw mismatch(index, self.value(index), "an instant")
        }
    }

    package func bytes(_ index: Int) throws -> [UInt8] {
        switch value(index) {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        case let other: throw mismatch(index, other, "bytes")
        }
    }

    /// A list of ids: PostgreSQL's `int8[]`, or SQLite's JSON array of integers.
    package func integers(_ index: Int) throws -> [Int64] {
        switch value(index) {
        case .integers(let integers): return integers
        case .text(let text):
            if let integers = try? JSONDecoder().decode([Int64].self, from: Data(text.utf8)) { return integers }
            throw mismatch(index, .text(text), "a list of integers")
        case let other: throw mismatch(index, other, "a list of integers")
        }
    }

    package func optionalInt64(_ index: Int) throws -> Int64? { isNull(index) ? nil : try int64(index) }
    package func optionalInt(_ index: Int) throws -> Int? { isNull(index) ? nil : try int(index) }
    package func optionalDouble(_ index: Int) throws -> Double? { isNull(index) ? nil : try double(index) }
    package func optionalText(_ index: Int) throws -> String? { isNull(index) ? nil : try text(index) }
    package func optionalBool(_ index: Int) throws -> Bool? { isNull(index) ? nil : try bool(index) }
    package func optionalDate(_ index: Int) throws -> Date? { isNull(index) ? nil : try date(index) }
    package func optionalBytes(_ index: Int) throws -> [UInt8]? { isNull(index) ? nil : try bytes(index) }

    private func columnName(_ index: Int) -> String? {
        switch storage {
        case .sqlite(let row, _): index < row.columnNames.count ? Array(row.columnNames)[index] : nil
        case .values(_, let columns): index < columns.names.count ? columns.names[index] : nil
        }
    }

    private func mismatch(_ index: Int, _ value: SQLValue, _ expected: String) -> MonitorError {
        let column = columnName(index).map { "column \($0)" } ?? "column \(index + 1)"
        let held: String =
            switch value {
            case .null: "NULL"
            case .integer(let integer): "the integer \(integer)"
            case .real(let double): "the number \(double)"
            case .text: "text"
            case .blob(let bytes): "\(bytes.count) bytes"
            case .bool(let flag): "the flag \(flag)"
            case .date: "an instant"
            case .integers: "a list of integers"
            case .texts: "a list of texts"
            }
        return MonitorError(.internalError, "\(column) holds \(held) where the store reads \(expected)")
    }
}

extension SQLRow {
    package func int64(_ column: String) throws -> Int64 { try int64(index(of: column)) }
    package func int(_ column: String) throws -> Int { try int(index(of: column)) }
    package func double(_ column: String) throws -> Double { try double(index(of: column)) }
    package func text(_ column: String) throws -> String { try text(index(of: column)) }
    package func bool(_ column: String) throws -> Bool { try bool(index(of: column)) }
    package func date(_ column: String) throws -> Date { try date(index(of: column)) }
    package func bytes(_ column: String) throws -> [UInt8] { try bytes(index(of: column)) }
    package func optionalInt64(_ column: String) throws -> Int64? { try optionalInt64(index(of: column)) }
    package func optionalInt(_ column: String) throws -> Int? { try optionalInt(index(of: column)) }
    package func optionalDouble(_ column: String) throws -> Double? { try optionalDouble(index(of: column)) }
    package func optionalText(_ column: String) throws -> String? { try optionalText(index(of: column)) }
    package func optionalDate(_ column: String) throws -> Date? { try optionalDate(index(of: column)) }
}
