import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import NIOCore
import PostgresNIO

/// ``SQLSession`` on PostgreSQL: one connection inside one transaction, used only on its
/// ``PostgresLane``'s thread, which may block (it is not the concurrency pool's nor an
/// event loop's). Statements keep SQLite's placeholders and are rewritten once per text
/// (``PlaceholderRewriter``).
///
/// Rows are read whole before `forEach` hands them out: no store query that streams
/// today returns more than a page. A server-side cursor is left for when one does.
package final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    private let rewrites: RewriteCache
    private let logger: Logger
    private let location: String
    private let answerDeadline: TimeAmount

    init(
        connection: PostgresConnection, rewrites: RewriteCache, logger: Logger, location: String,
        answerDeadline: TimeAmount
    ) {
        self.connection = connection
        self.rewrites = rewrites
        self.logger = logger
        self.location = location
        self.answerDeadline = answerDeadline
    }

    package var dialect: SQLDialect { .postgres }

    /// The first statement of this transaction that failed, kept because PostgreSQL ends a
    /// transaction at its first error even when the caller went on: see
    /// `PostgresLane.Core.transaction`.
    private(set) var failedStatement: PostgresStatementError?

    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    /// Runs a statement and returns PostgreSQL's command tag (`COMMIT`, or `ROLLBACK`
    /// when a commit found its transaction failed).
    func commandTag(_ sql: String) throws -> String {
        try run(sql, []).metadata.command
    }

    package func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Self.rows(try run(sql, arguments).rows)
    }

    package func fetchOne(_ sql: String, _ arguments: [SQLValue]) throws -> SQLRow? {
        try Self.rows(try run(sql, arguments).rows.prefix(1)).first
    }

    /// `rows` decoded, sharing one set of column names.
    private static func rows(_ rows: some Collection<PostgresRow>) throws -> [SQLRow] {
        guard let first = rows.first else { return [] }
        let columns = SQLColumnNames(first.makeRandomAccess().map(\.columnName))
        return try rows.map { row in SQLRow(values: try row.map(value), columns: columns) }
    }

    package func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        for row in try fetchAll(sql, arguments) { try body(row) }
    }

    package func databaseName() throws -> String { location }

    /// A transaction-scoped advisory lock: one 64-bit number for a job
    /// (``SQLLock/key(ofJob:)``), two numbers `(2, n)` for a task; PostgreSQL keeps the two
    /// forms apart, so jobs and tasks never share a key.
    package func lock(_ lock: SQLLock) throws {
        switch lock {
        case .job(let job):
            try execute("SELECT pg_advisory_xact_lock(CAST(? AS bigint))", [.integer(SQLLock.key(ofJob: job))])
        case .task(let task):
            try execute("SELECT pg_advisory_xact_lock(2, CAST(? AS integer))", [.integer(Int64(task.rawValue))])
        }
    }

    /// Every job's lock in one statement: `unnest` yields the keys in the order given,
    /// sorted here, and the locks are taken as the rows come.
    package func lock(jobs: some Sequence<String>) throws {
        let keys = Set(jobs.map(SQLLock.key(ofJob:))).sorted()
        guard keys.count > 1 else {
            if let key = keys.first { try execute("SELECT pg_advisory_xact_lock(CAST(? AS bigint))", [.integer(key)]) }
            return
        }
        try execute(
            "SELECT count(pg_advisory_xact_lock(key)) FROM unnest(CAST(? AS bigint[])) AS key", [.integers(keys)])
    }

    package func tryLock(_ lock: SQLLock) throws -> Bool {
        let row =
            switch lock {
            case .job(let job):
                try fetchOne(
                    "SELECT pg_try_advisory_xact_lock(CAST(? AS bigint))", [.integer(SQLLock.key(ofJob: job))])
            case .task(let task):
                try fetchOne(
                    "SELECT pg_try_advisory_xact_lock(2, CAST(? AS integer))", [.integer(Int64(task.rawValue))])
            }
        return try row?.bool(0) ?? false
    }

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        let statement = try rewrites.rewrite(sql)
        guard arguments.count == statement.parameterCount else {
            throw MonitorError(
                .internalError,
                "a statement takes \(statement.parameterCount) values and was given \(arguments.count): \(sql)")
        }
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { Self.bind(argument, into: &bindings) }
        // postgres-nio writes a query to a closed connection without failing its answer,
        // which then never comes: a connection the server closed is checked first, and every
        // answer has a deadline, past which the connection is closed and counted lost.
        guard !connection.isClosed else {
            throw failing(
                PostgresStatementError(
                    error: MonitorError(.storageUnavailable, "the connection to PostgreSQL at \(location) was lost"),
                    connectionSurvives: false))
        }
        let eventLoop = connection.eventLoop
        let answer = eventLoop.makePromise(of: PostgresQueryResult.self)
        connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: bindings), logger: logger).cascade(to: answer)
        let deadline = eventLoop.scheduleTask(in: answerDeadline) {
            answer.fail(AnswerDeadlinePassed())
        }
        defer { deadline.cancel() }
        do {
            return try answer.futureResult.wait()
        } catch is AnswerDeadlinePassed {
            throw failing(
                PostgresStatementError(
                    error: MonitorError(
                        .storageUnavailable,
                        "PostgreSQL at \(location) did not answer within \(answerDeadline.nanoseconds / 1_000_000) ms"),
                    connectionSurvives: false))
        } catch {
            throw failing(
                PostgresStatementError(
                    error: PostgresFault.monitorError(error, location: location),
                    connectionSurvives: PostgresFault.connectionSurvives(error)))
        }
    }

    /// `error`, kept as this transaction's first failure.
    private func failing(_ error: PostgresStatementError) -> PostgresStatementError {
        if failedStatement == nil { failedStatement = error }
        return error
    }

    private struct AnswerDeadlinePassed: Error {}

    /// How PostgreSQL receives each kind of value: `int8`, `float8`, `text`, `bytea`,
    /// `bool`, `timestamptz` (to the millisecond, as SQLite keeps it), `int8[]` and `text[]`.
    static func bind(_ value: SQLValue, into bindings: inout PostgresBindings) {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let integer): bindings.append(integer)
        case .real(let double): bindings.append(double)
        case .text(let text): bindings.append(text)
        case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
        case .bool(let flag): bindings.append(flag)
        case .date(let date): bindings.append(PostgresInstant(date))
        case .integers(let integers): bindings.append(integers)
        case .texts(let texts): bindings.append(texts)
        }
    }

    /// A cell as the store reads it; a type the store never writes is refused by name.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .numeric:
                // SUM and AVG of integers are numeric: whole ones come back as integers, as SQLite's do.
                let decimal = try cell.decode(Decimal.self)
                let double = NSDecimalNumber(decimal: decimal).doubleValue
                if double.rounded() == double, abs(double) < 9.2e18 { return .integer(Int64(double)) }
                return .real(double)
            case .text, .varchar, .bpchar, .name, .unknown: return .text(try cell.decode(String.self))
            case .bytea: return .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
            case .bool: return .bool(try cell.decode(Bool.self))
            case .timestamptz, .timestamp: return .date(try cell.decode(PostgresInstant.self).date)
            case .int8Array, .int4Array, .int2Array: return .integers(try cell.decode([Int64].self))
            default:
                throw MonitorError(
                    .internalError,
                    "column \(cell.columnName) has PostgreSQL type \(cell.dataType), which the store does not read")
            }
        } catch let error as MonitorError {
            throw error
        } catch {
            throw MonitorError(
                .internalError, "column \(cell.columnName) of type \(cell.dataType) could not be read: \(error)")
        }
    }
}
