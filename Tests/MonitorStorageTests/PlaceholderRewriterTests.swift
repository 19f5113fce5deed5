import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import Testing

/// SQLite's placeholders rewritten for PostgreSQL. Each case also runs on SQLite as
/// written and as rewritten (with `$N` read back as `?N`): the rows must be the same, so
/// the numbering is SQLite's own and not this code's idea of it.
@Suite struct PlaceholderRewriterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let sql: String
        let rewritten: String
        let arguments: [SQLValue]
        var testDescription: String { sql }
    }

    static let cases: [Case] = [
        Case(sql: "SELECT ?, ?, ?", rewritten: "SELECT $1, $2, $3", arguments: [1, 2, 3]),
        Case(sql: "SELECT ?2, ?, ?1", rewritten: "SELECT $2, $3, $1", arguments: [1, 2, 3]),
        Case(sql: "SELECT ?3, ?", rewritten: "SELECT $3, $4", arguments: [1, 2, 3, 4]),
        Case(sql: "SELECT '?', 'it''s ?', ?", rewritten: "SELECT '?', 'it''s ?', $1", arguments: [1]),
        Case(
            sql: "SELECT \"?\" FROM (SELECT ? AS \"?\")", rewritten: "SELECT \"?\" FROM (SELECT $1 AS \"?\")",
            arguments: [1]),
        Case(sql: "SELECT ? -- a ? here\n, ?", rewritten: "SELECT $1 -- a ? here\n, $2", arguments: [1, 2]),
        Case(sql: "SELECT ? /* ?, ?3 */, ?", rewritten: "SELECT $1 /* ?, ?3 */, $2", arguments: [1, 2]),
        Case(sql: "SELECT ?10, ?", rewritten: "SELECT $10, $11", arguments: (1...11).map { .integer($0) }),
        // `postponeDeliveries`' statement verbatim: `?` after `?2` is 3, after `?4` is 5.
        Case(
            sql: """
                SELECT ?, CASE WHEN 1 < ?2 THEN 'failed' ELSE 'pending' END,
                    CASE WHEN 1 < ?2 THEN NULL ELSE ? END,
                    CASE WHEN 1 < ?2 THEN ? || '; given up after 24 hours' ELSE ?4 END, ?, ?, ?
                """,
            rewritten: """
                SELECT $1, CASE WHEN 1 < $2 THEN 'failed' ELSE 'pending' END,
                    CASE WHEN 1 < $2 THEN NULL ELSE $3 END,
                    CASE WHEN 1 < $2 THEN $4 || '; given up after 24 hours' ELSE $4 END, $5, $6, $7
                """,
            arguments: [500, 0, "until", "error", "channel", "now", 7]),
    ]

    @Test(arguments: cases)
    func numbersAsSQLiteDoes(_ example: Case) throws {
        let rewritten = try PlaceholderRewriter.postgres(example.sql)
        #expect(rewritten.sql == example.rewritten)
        #expect(rewritten.parameterCount == example.arguments.count)

        let queue = try DatabaseQueue()
        let backToSQLite = rewritten.sql.replacingOccurrences(of: "$", with: "?")
        let (asWritten, asRewritten) = try queue.read { database in
            let session = GRDBSession(database)
            return (
                try session.fetchAll(example.sql, example.arguments).map { row in (0..<row.count).map(row.value) },
                try session.fetchAll(backToSQLite, example.arguments).map { row in (0..<row.count).map(row.value) }
            )
        }
        #expect(asWritten == asRewritten)
        #expect(!asWritten.isEmpty)
    }

    @Test func aCastIsNotANamedParameter() throws {
        #expect(try PlaceholderRewriter.postgres("SELECT ?::bigint[]").sql == "SELECT $1::bigint[]")
    }

    @Test func aDollarQuotedBodyAndANameWithADollarAreLeftAlone() throws {
        let function =
            "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RAISE '?'; RETURN $1; END $body$ LANGUAGE plpgsql"
        #expect(try PlaceholderRewriter.postgres(function).sql == function)
        #expect(try PlaceholderRewriter.postgres("SELECT $$it's ?$$, ?").sql == "SELECT $$it's ?$$, $1")
        #expect(
            try PlaceholderRewriter.postgres("SELECT a$b FROM t WHERE x = ?").sql == "SELECT a$b FROM t WHERE x = $1")
    }

    @Test(arguments: [
        "SELECT :name", "SELECT @name", "SELECT $name", "SELECT $1", "SELECT ?0", "SELECT :1", "SELECT @1",
        "SELECT #name",
    ])
    func refusesWhatTheStoreDoesNotWrite(_ sql: String) throws {
        let error = try #require(throws: MonitorError.self) { try PlaceholderRewriter.postgres(sql) }
        #expect(error.message.contains(sql), "\(error.message)")
        #expect(error.message.contains("?"), "the message says what to write instead: \(error.message)")
    }
}
