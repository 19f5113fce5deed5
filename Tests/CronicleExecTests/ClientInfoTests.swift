import CronicleExec
import Foundation
import Testing

/// The Cronicle-Client-Info header: a JSON object in pure ASCII.
@Suite struct ClientInfoTests {
    @Test func nonASCIIIsEscapedAndTheJSONReadsBackTheSame() throws {
        var info = ClientInfo(
            hostname: "hôte-🚀", os: "Linux 6.1", user: "o\"brien\\n\nx", pid: 42, argv0: "sauvegarde-été",
            version: "1.0")
        info.exitStatus = 3
        let header = info.headerValue
        #expect(header.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
        #expect(header.contains("h\\u00f4te-\\ud83d\\ude80"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        #expect(object["hostname"] as? String == "hôte-🚀")
        #expect(object["user"] as? String == "o\"brien\\n\nx")
        #expect(object["argv0"] as? String == "sauvegarde-été")
        #expect(object["pid"] as? Int == 42)
        #expect(object["exit_status"] as? Int == 3)
    }

    @Test func theStartCarriesWhoAndTheEndAlsoHowItWent() throws {
        let start = ClientInfo.current(argv0: "backup", version: "1.2")
        let startObject = try #require(
            try JSONSerialization.jsonObject(with: Data(start.headerValue.utf8)) as? [String: Any])
        #expect(Set(startObject.keys) == ["hostname", "os", "user", "pid", "argv0", "version"])
        #expect(startObject["pid"] as? Int == Int(ProcessInfo.processInfo.processIdentifier))
        #expect((startObject["os"] as? String)?.isEmpty == false)

        var end = start
        end.durationSeconds = 1.23456
        end.exitStatus = 143
        end.signal = 15
        end.startedAt = Date(timeIntervalSince1970: 1_800_000_000.5)
        end.endedAt = Date(timeIntervalSince1970: 1_800_000_001.75)
        end.spooled = true
        let endObject = try #require(
            try JSONSerialization.jsonObject(with: Data(end.headerValue.utf8)) as? [String: Any])
        #expect(endObject["duration_seconds"] as? Double == 1.235)
        #expect(endObject["signal"] as? Int == 15)
        #expect(endObject["started_at"] as? String == "2027-01-15T08:00:00.500Z")
        #expect(endObject["ended_at"] as? String == "2027-01-15T08:00:01.750Z")
        #expect(endObject["spooled"] as? Bool == true)
        #expect(endObject["timed_out"] == nil)
    }
}
