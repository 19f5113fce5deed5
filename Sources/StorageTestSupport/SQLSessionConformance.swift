import Foundation
import MonitorDomain
import MonitorStorage

/// One table of checks that every ``SQLSession`` driver must pass the same way: values of
/// each kind written and read back, placeholders in SQLite's numbering, rows changed,
/// id lists, the dialect's fragments, locks, errors that name the column, and a failed
/// statement that leaves nothing of its transaction behind.
///
/// ```swift
/// let mismatches = try await SQLSessionConformance.mismatches { body in
///     try queue.write { try body(GRDBSession($0)) }
/// }
/// #expect(mismatches == [])
/// ```
package enum SQLSessionConformance {
    /// Runs `body` in one transaction, committed when it returns and rolled back when it
    /// throws, and returns what it returned (the mismatches it found).
    package typealias Transaction = (_ body: @escaping @Sendable (any SQLSession) throws -> [String]) async throws ->
        [String]

    /// One row of the table, as written.
    struct Sample: Sendable {
        let id: Int64
        let integer: Int64?
        let real: Double?
        let text: String?
        let bytes: [UInt8]?
        let flag: Bool?
        let date: Date?

        var arguments: [SQLValue] {
            [
                .integer(id), integer.map(SQLValue.integer) ?? .null, real.map(SQLValue.real) ?? .null,
                .text(text), bytes.map(SQLValue.blob) ?? .null, flag.map(SQLValue.bool) ?? .null, .date(date),
            ]
        }
    }

    static let samples: [Sample] = [
        Sample(
            id: 1, integer: .max, real: 0.1, text: "plain", bytes: Array(0...255), flag: true,
            date: Date(timeIntervalSince1970: 1_795_000_000.123)),
        Sample(
            id: 2, integer: .min, real: -1e300,
            text: "it's a 'quote', a ? and ?2 and $1 -- not a comment /* nor this */", bytes: [], flag: false,
            date: Date(timeIntervalSince1970: 0)),
        Sample(
            id: 3, integer: 0, real: 0, text: "", bytes: [0], flag: true,
            date: Date(timeIntervalSince1970: 2_147_483_648.999)),
        Sample(id: 4, integer: nil, real: nil, text: nil, bytes: nil, flag: nil, date: nil),
        Sample(
            id: 5, integer: 42, real: 2.5, text: "ünïcødé 🕐\n\ttab", bytes: [255], flag: false,
            date: Date(timeIntervalSince1970: 946_684_799.5)),
    ]

    /// Every check's failure, in words; empty when the driver conforms.
    package static func mismatches(in transaction: Transaction) async throws -> [String] {
        var mismatches = try await transaction { session in
            var mismatches: [String] = []
            func check(_ condition: Bool, _ what: @autoclosure () -> String) {
                if !condition { mismatches.append(what()) }
            }
            let ddl =
                session.dialect == .postgres
                ? """
                CREATE TABLE IF NOT EXISTS sql_conformance (id bigint PRIMARY KEY, i bigint, r double precision, \
                t text, b bytea, f boolean, d timestamptz)
                """
                : """
                CREATE TABLE IF NOT EXISTS sql_conformance (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, \
                b BLOB, f BOOLEAN, d TEXT)
                """
            try session.execute(ddl)
            try session.execute("DELETE FROM sql_conformance")
            for sample in samples {
                let inserted = try session.execute(
                    "INSERT INTO sql_conformance (id, i, r, t, b, f, d) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    sample.arguments)
                check(inserted == 1, "an INSERT of one row reported \(inserted) rows")
            }
            return mismatches
        }

        mismatches += try await transaction { session in
            var mismatches: [String] = []
            func check(_ condition: Bool, _ what: @autoclosure () -> String) {
                if !condition { mismatches.append(what()) }
            }
            let select = "SELECT id, i, r, t, b, f, d FROM sql_conformance ORDER BY id"
            let rows = try session.fetchAll(select)
            check(rows.count == samples.count, "read \(rows.count) rows of \(samples.count)")
            var streamed: [Int64] = []
            try session.forEach(select, []) { row in
                streamed.append(try row.int64(0))
                try compare(row, samples[streamed.count - 1], &mismatches)
            }
            check(streamed == samples.map(\.id), "forEach gave ids \(streamed)")
            for (row, sample) in zip(rows, samples) { try compare(row, sample, &mismatches) }

            let byName = try session.fetchOne(
                "SELECT t AS label, id, i AS jobId FROM sql_conformance WHERE id = ?", [1])
            check(try byName?.text("label") == "plain", "a column read by name")
            check(try byName?.int64("jobid") == .max, "a column read by name without case")
            check(try byName?.int64("id") == 1, "a second column read by name")
            do {
                _ = try byName?.text("missing")
                mismatches.append("a column that does not exist was read without an error")
            } catch let error as MonitorError {
                check(error.message.contains("missing"), "the error for a missing column: \(error.message)")
            }
            do {
                _ = try byName?.int64("label")
                mismatches.append("text was read as an integer without an error")
            } catch let error as MonitorError {
                check(error.message.contains("label"), "the error for a wrong type names the column: \(error.message)")
            }

            let numbered = try session.fetchOne("SELECT ?2, ?, ?1", [.integer(7), .text("two"), .integer(3)])
            check(try numbered?.text(0) == "two", "?2 is the second argument")
            check(try numbered?.int64(1) == 3, "a bare ? after ?2 is the third argument")
            check(try numbered?.int64(2) == 7, "?1 is the first argument")

            let literal = try session.fetchOne("SELECT '?', ? /* ? */ -- ?\n", [.integer(1)])
            check(try literal?.text(0) == "?", "a ? inside a string literal is text")

            check(try session.fetchOne("SELECT id FROM sql_conformance WHERE id = ?", [99]) == nil, "no row is nil")

            let idList = "SELECT id FROM sql_conformance WHERE id IN \(session.dialect.idList("?")) ORDER BY id"
            let listed = try session.fetchAll(idList, [.integers([5, 1, 99])]).map { try $0.int64(0) }
            check(listed == [1, 5], "ids 5, 1 and 99 listed \(listed)")
            check(try session.fetchAll(idList, [.integers([])]).isEmpty, "an empty id list lists nothing")

            let textList =
                session.dialect.database == .postgres
                ? "SELECT value FROM unnest(CAST(? AS text[])) AS value" : "SELECT value FROM json_each(?)"
            let texts = try session.fetchAll(textList, [.texts(["a", "it's \"quoted\"", "é"])]).map { try $0.text(0) }
            check(texts == ["a", "it's \"quoted\"", "é"], "a list of texts comes back as it went: \(texts)")

            let seconds = try session.fetchOne(
                "SELECT \(session.dialect.seconds(from: "?1", to: "?2"))",
                [
                    .date(Date(timeIntervalSince1970: 1_795_000_000)),
                    .date(Date(timeIntervalSince1970: 1_795_000_090.5)),
                ])
            let difference = try seconds?.double(0) ?? .nan
            check(abs(difference - 90.5) < 0.001, "the seconds between two instants: \(difference)")

            try session.lock(.job("backup"))
            try session.lock(.job("backup"))
            check(try session.tryLock(.task(.syncApply)), "a free lock is taken")
            for task in SQLLock.SerialTask.allCases { try session.lock(.task(task)) }
            return mismatches
        }

        mismatches += try await transaction { session in
            var mismatches: [String] = []
            let changed = try session.execute("UPDATE sql_conformance SET i = i WHERE id > ?", [2])
            if changed != 3 { mismatches.append("an UPDATE of three rows reported \(changed)") }
            let deleted = try session.execute("DELETE FROM sql_conformance WHERE id = ?", [99])
            if deleted != 0 { mismatches.append("a DELETE of nothing reported \(deleted) rows") }
            return mismatches
        }

        do {
            _ = try await transaction { session in
                try session.execute("INSERT INTO sql_conformance (id, t) VALUES (?, ?)", [6, "half"])
                try session.execute("INSERT INTO sql_conformance (id, t) VALUES (?, ?)", [1, "duplicate"])
                return []
            }
            mismatches.append("a duplicate primary key was accepted")
        } catch {}
        // A body that catches a failed statement's error and goes on. SQLite undoes only
        // that statement; PostgreSQL ends the transaction at it, so its driver must fail the
        // transaction rather than report a commit that PostgreSQL turned into a rollback.
        let swallowedFailed: Bool
        do {
            _ = try await transaction { session in
                try session.execute("INSERT INTO sql_conformance (id, t) VALUES (?, ?)", [7, "before"])
                _ = try? session.execute("INSERT INTO sql_conformance (id, t) VALUES (?, ?)", [1, "duplicate"])
                return []
            }
            swallowedFailed = false
        } catch {
            swallowedFailed = true
        }
        mismatches += try await transaction { session in
            let kept = try session.fetchOne("SELECT COUNT(*) FROM sql_conformance WHERE id = ?", [7])?.int64(0)
            switch session.dialect.database {
            case .sqlite:
                return swallowedFailed || kept != 1
                    ? ["SQLite kept the statements around a failed one: \(kept ?? -1)"] : []
            case .postgres:
                return !swallowedFailed || kept != 0
                    ? ["a transaction whose statement failed was reported committed (\(kept ?? -1) rows kept)"] : []
            }
        }
        mismatches += try await transaction { session in
            let left = try session.fetchOne("SELECT COUNT(*) FROM sql_conformance WHERE id = ?", [6])
            try session.execute("DROP TABLE sql_conformance")
            return try left?.int64(0) == 0 ? [] : ["the failed transaction's first insert was kept"]
        }
        return mismatches
    }

    private static func compare(_ row: SQLRow, _ sample: Sample, _ mismatches: inout [String]) throws {
        let read = (
            integer: try row.optionalInt64(1), real: try row.optionalDouble(2), text: try row.optionalText(3),
            bytes: try row.optionalBytes(4), flag: try row.optionalBool(5), date: try row.optionalDate(6)
        )
        let what = "row \(sample.id)"
        if read.integer != sample.integer { mismatches.append("\(what): integer \(String(describing: read.integer))") }
        if read.real != sample.real { mismatches.append("\(what): real \(String(describing: read.real))") }
        if read.text != sample.text { mismatches.append("\(what): text \(String(describing: read.text))") }
        if read.bytes != sample.bytes { mismatches.append("\(what): \(read.bytes?.count ?? -1) bytes") }
        if read.flag != sample.flag { mismatches.append("\(what): flag \(String(describing: read.flag))") }
        if read.date != sample.date.map(Timestamp.stored) {
            mismatches.append("\(what): instant \(String(describing: read.date?.timeIntervalSince1970))")
        }
        if sample.id == 4, !(0..<7).dropFirst().allSatisfy(row.isNull) {
            mismatches.append("\(what): a NULL read as a value")
        }
    }
}
