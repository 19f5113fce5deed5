import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorEngine
@testable import MonitorHTTP
@testable import MonitorStorage
@testable import SyncClient

/// The hand-written writer must produce what any JSON parser reads back exactly.
@Suite struct JSONWriterTests {
    static func roundTrip(_ value: JSONValue) throws -> Any {
        var writer = JSONWriter()
        writer.value(value)
        return try JSONSerialization.jsonObject(with: Data(writer.bytes), options: [.fragmentsAllowed])
    }

    @Test(arguments: [
        "plain", "quote \" and backslash \\", "new\nline\ttab\rreturn", "\u{0}\u{1}\u{1F} controls", "ünïcødé 日本 🎉",
        "slash / stays", "",
    ])
    func stringsSurviveEscaping(text: String) throws {
        #expect(try Self.roundTrip(.string(text)) as? String == text)
    }

    @Test func numbersAndNesting() throws {
        let value: JSONValue = [
            "int": 1000, "negative": -3, "fraction": 1.5, "tiny": 0.000133, "huge": 1e20, "flag": true, "nothing": nil,
            "list": [1, "two", [3]], "nested": ["deeper": ["key": "value"]],
        ]
        let object = try #require(try Self.roundTrip(value) as? [String: Any])
        #expect(object["int"] as? Int == 1000)
        #expect(object["negative"] as? Int == -3)
        #expect(object["fraction"] as? Double == 1.5)
        #expect(object["tiny"] as? Double == 0.000133)
        #expect(object["huge"] as? Double == 1e20)
        #expect(object["flag"] as? Bool == true)
        #expect(object["nothing"] is NSNull)
        #expect((object["list"] as? [Any])?.count == 3)
        #expect(((object["nested"] as? [String: Any])?["deeper"] as? [String: Any])?["key"] as? String == "value")
    }

    @Test func fieldsAreSeparatedInNestedContainers() {
        var writer = JSONWriter()
        writer.object { json in
            json.field("a", 1)
            json.field("b") { json in json.array([1, 2]) { json, item in json.number(Double(item)) } }
            json.field("c") { json in json.object { json in json.field("d", "e") } }
            json.field("f", true)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":1,"b":[1,2],"c":{"d":"e"},"f":true}"#)
    }
}

@Suite struct RunIdentifierTests {
    @Test func timeOrderedVersionSevenUUIDsInLowercase() {
        let ids = (0..<1000).map { _ in RunIdentifier.generate() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            #expect(UUID(uuidString: id) != nil, "\(id)")
            #expect(id == id.lowercased() && id.count == 36)
            let characters = Array(id)
            #expect(characters[14] == "7")
            #expect("89ab".contains(characters[19]))
        }
        let earlier = RunIdentifier.generate(at: Date(timeIntervalSince1970: 1_800_000_000))
        let later = RunIdentifier.generate(at: Date(timeIntervalSince1970: 1_800_000_000.002))
        #expect(earlier < later, "ids sort by time")
        #expect(earlier.hasPrefix("01a3185c-5000-7"))
    }
}

@Suite struct TimestampTests {
    @Test func writesMillisecondsInUTCAndTheDatabaseForm() {
        let date = Date(timeIntervalSince1970: 1_795_845_600.1234)  // 2026-11-28T06:00:00.123Z
        #expect(Timestamp.string(from: date) == "2026-11-28T06:00:00.123Z")
        #expect(Timestamp.databaseText(from: date) == "2026-11-28 06:00:00.123")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.parse(Timestamp.string(from: date)) == Date(timeIntervalSince1970: 1_795_845_600.123))
        // What the database gives back prints as it was written.
        #expect(
            Timestamp.string(from: Date(timeIntervalSince1970: 1_795_845_600.305 - 1e-7)) == "2026-11-28T06:00:00.305Z")
    }

    /// The store's fast date reading agrees with GRDB's to the millisecond, from 1900 to
    /// 2399, and leaves every other form to GRDB.
    @Test func readsTheDatabaseFormLikeGRDB() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...13_569_465_600_000, using: &generator)
            let text = Timestamp.databaseText(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let fast = Timestamp.fromDatabaseText(text)
            let grdb = Date.fromDatabaseValue(text.databaseValue)
            #expect(fast != nil && grdb != nil, "\(text)")
            if let fast, let grdb {
                #expect(abs(fast.timeIntervalSince(grdb)) < 0.0005, "\(text)")
                #expect(Timestamp.databaseText(from: fast) == text)
            }
        }
        #expect(Timestamp.fromDatabaseText("2026-11-28 06:00:00") == Date(timeIntervalSince1970: 1_795_845_600))
        for other in [
            "2026-11-28T06:00:00.000Z", "2026-11-28 06:00", "2026-02-30 00:00:00", "2026-11-28 24:00:00",
            "2026-11-28 06:00:00.1", "x026-11-28 06:00:00", "",
        ] {
            #expect(Timestamp.fromDatabaseText(other) == nil, "\(other)")
        }
    }
}
