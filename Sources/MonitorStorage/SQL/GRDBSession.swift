import Foundation
import GRDB
import MonitorDomain

/// ``SQLSession`` on SQLite, over a GRDB connection inside a transaction. Statements are
/// compiled once per connection (`cachedStatement`): compiling from text ran GRDB's
/// authorizer over every column, 13% of the server's time in an alert burst.
package struct GRDBSession: SQLSession {
    package let database: Database

    package init(_ database: Database) { self.database = database }

    package var dialect: SQLDialect { .sqlite }

    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let statement = try database.cachedStatement(sql: sql)
        try statement.execute(arguments: Self.arguments(arguments))
        return database.changesCount
    }

    package func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try database.cachedStatement(sql: sql)
        return try Row.fetchAll(statement, arguments: Self.arguments(arguments)).map {
            SQLRow($0, statement: statement)
        }
    }

    package func fetchOne(_ sql: String, _ arguments: [SQLValue]) throws -> SQLRow? {
        let statement = try database.cachedStatement(sql: sql)
        return try Row.fetchOne(statement, arguments: Self.arguments(arguments)).map {
            SQLRow($0, statement: statement)
        }
    }

    package func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let statement = try database.cachedStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try rows.next() { try body(SQLRow(row, statement: statement, isCurrent: true)) }
    }

    package func databaseName() throws -> String {
        try fetchOne("SELECT file FROM pragma_database_list WHERE name = 'main'")?.text(0) ?? ""
    }

    /// Nothing to take: SQLite lets one writer in at a time, and the store writes only
    /// inside its write transactions.
    package func lock(_ lock: SQLLock) throws {}

    package func tryLock(_ lock: SQLLock) throws -> Bool { true }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map(databaseValue))
    }

    /// How SQLite keeps each kind of value: flags as 0 and 1, instants as the store's text
    /// (``Timestamp/databaseText(from:)``), id lists as a JSON array for `json_each`.
    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let double): double.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        case .bool(let flag): (flag ? 1 : 0 as Int64).databaseValue
        case .date(let date): Timestamp.databaseText(from: date).databaseValue
        case .integers(let integers): "[\(integers.map(String.init).joined(separator: ","))]".databaseValue
        case .texts(let texts):
            String(decoding: (try? JSONEncoder().encode(texts)) ?? Data("[]".utf8), as: UTF8.self).databaseValue
        }
    }
}
