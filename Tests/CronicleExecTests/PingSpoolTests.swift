import CronicleExec
import CronicleTestSupport
import Foundation
import MonitorTestSupport
import Synchronization
import Testing

/// End pings kept on disk: written atomically and privately, sent oldest first, deleted once
/// answered, kept while the monitor is away, dropped after 7 days.
@Suite struct PingSpoolTests {
    static func ping(_ url: String, _ body: String, age: TimeInterval = 0) -> PingRequest {
        PingRequest(
            url: url,
            headers: ["Content-Type": "text/plain; charset=utf-8", "Cronicle-Client-Info": "{\"spooled\":true}"],
            body: Data(body.utf8), createdAt: Date().addingTimeInterval(-age))
    }

    final class Warnings: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func storesOnePrivateFilePerPingWithEverythingToSendItAgain() throws {
        let folder = try TemporaryFolder()
        let spool = PingSpool(directory: folder.url("a/b/spool"))
        let file = try spool.store(Self.ping("http://x/ping/u/3?rid=r", "out\u{0}put"))
        #expect(spool.files() == [file])
        let manager = FileManager.default
        #expect(try manager.attributesOfItem(atPath: folder.url("a/b/spool"))[.posixPermissions] as? Int == 0o700)
        #expect(try manager.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        #expect(try manager.contentsOfDirectory(atPath: folder.url("a/b/spool")).count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(object["method"] as? String == "POST")
        #expect(object["url"] as? String == "http://x/ping/u/3?rid=r")
        #expect((object["headers"] as? [String: String])?["Content-Type"] == "text/plain; charset=utf-8")
        #expect(object["body_base64"] as? String == Data("out\u{0}put".utf8).base64EncodedString())
        #expect((object["created_at"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func flushSendsOldestFirstAndDeletesWhatWasAnswered() async throws {
        let folder = try TemporaryFolder()
        let spool = PingSpool(directory: folder.path)
        try await WebhookReceiver.with(answers: [200, 404]) { receiver in
            let base = "http://127.0.0.1:\(receiver.port)/ping/u"
            try spool.store(Self.ping("\(base)/2", "second", age: 60))
            try spool.store(Self.ping("\(base)/1", "first", age: 120))
            try spool.store(Self.ping("\(base)/3", "too old", age: 8 * 24 * 3_600))
            let warnings = Warnings()
            let delivered = await spool.flush(using: PingSender(), until: .now + .seconds(60)) { warnings.add($0) }
            #expect(delivered == 1)
            #expect(receiver.requests.map(\.path) == ["/ping/u/1", "/ping/u/2"])
            #expect(receiver.requests.map(\.body) == ["first", "second"])
            #expect(receiver.requests.first?.headers["cronicle-client-info"] == "{\"spooled\":true}")
            #expect(spool.files().isEmpty)
            #expect(warnings.all.count == 2)
            #expect(warnings.all.contains { $0.contains("older than 7 days") })
            #expect(warnings.all.contains { $0.contains("(404)") })
        }
    }

    @Test func flushStopsAndKeepsEverythingWhileTheMonitorIsAway() async throws {
        let folder = try TemporaryFolder()
        let spool = PingSpool(directory: folder.path)
        try await WebhookReceiver.with(answers: [503]) { receiver in
            let base = "http://127.0.0.1:\(receiver.port)/ping/u"
            try spool.store(Self.ping("\(base)/1", "first", age: 20))
            try spool.store(Self.ping("\(base)/2", "second", age: 10))
            let delivered = await spool.flush(using: PingSender(), until: .now + .seconds(10)) { _ in }
            #expect(delivered == 0)
            #expect(receiver.requests.count == 1)
            #expect(spool.files().count == 2)
        }
    }
}
