import Foundation

/// A value bound to a statement or read from a row, the same for every database the store
/// runs on: each driver maps it to its own types (``GRDBSession`` to SQLite's, the
/// PostgreSQL driver to `int8`, `float8`, `text`, `bytea`, `bool`, `timestamptz` and
/// `int8[]`).
///
/// ```swift
/// try session.execute("UPDATE job_configs SET paused = ? WHERE job_id = ?", [.bool(true), .text("backup")])
/// ```
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case bool(Bool)
    /// An instant, kept to the millisecond (``Timestamp/stored(_:)``): SQLite keeps it as
    /// text in ``Timestamp/databaseText(from:)``'s form, PostgreSQL as `timestamptz`.
    case date(Date)
    /// A list of ids bound as one parameter, for ``SQLDialect/idList(_:)``: a JSON array
    /// on SQLite (read by `json_each`), an `int8[]` on PostgreSQL. One parameter keeps the
    /// statement's text the same whatever the list's length, so it is prepared once.
    case integers([Int64])
    /// A list of texts bound as one parameter: a JSON array on SQLite, a `text[]` on
    /// PostgreSQL (`column = ANY(CAST(? AS text[]))`, which PostgreSQL answers from the
    /// column's index however long the list).
    case texts([String])

    /// `value`, or ``null`` when it is nil.
    package static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }

    /// `value`, or ``null`` when it is nil.
    package static func integer(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }

    /// `value`, or ``null`` when it is nil.
    package static func date(_ value: Date?) -> SQLValue { value.map(SQLValue.date) ?? .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral
{
    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(nilLiteral: ()) { self = .null }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(floatLiteral value: Double) { self = .real(value) }
}
