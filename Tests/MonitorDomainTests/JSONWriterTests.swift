import Foundation
import Testing

@testable import MonitorDomain

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
