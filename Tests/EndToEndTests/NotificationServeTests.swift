import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `cronicle serve` delivering to a real receiver across a `kill -9`: a delivery that was
/// pending when the process died is sent after the restart, once, with its id.
@Suite(.serialized) struct NotificationServeTests {
    @Test func aPendingDeliverySurvivesKillNineAndIsSentAfterTheRestart() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        try folder.write("jobs.d/billing.yaml", "job_id: billing\nschedule: \"@daily\"\nnotify: [hook]\n")
        try folder.write("jobs.d/channels.yaml", "channel: hook\ntype: webhook\nurl: ${env:HOOK_URL}\n")
        let applied = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "billing", "--init", "--db", database], in: folder.path)
        #expect(applied.status == 0, "\(applied.standardError)")
        // A port that refuses connections: the receiver is down while the alert happens.
        // Held until the receiver takes it over, since a port merely released is soon
        // handed to another test's server.
        var refusing: RefusingPort? = try RefusingPort()
        let receiverPort = try #require(refusing).port
        let environment = ["HOOK_URL": "http://127.0.0.1:\(receiverPort)/hook"]

        let server = try RunningProduct(
            "cronicle", ["serve", "--db", database, "--port", "0"], environment: environment)
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let client = try ContractClient(port: port)
        #expect(try await client.request("POST", "/jobs/billing/fail", json: ["exit_code": 1]).status == 200)
        let logged = try await server.waitForError(matching: "(alert_opened job=billing type=failed id=[0-9]+)")
        #expect(logged == "alert_opened job=billing type=failed id=1", "one log line per alert change")
        var pending: [String: Any]?
        for _ in 0..<100 {
            let log = try await client.request("GET", "/notifications").object()["notifications"] as? [[String: Any]]
            if let entry = log?.first, entry["attempts"] as? Int ?? 0 >= 1 {
                pending = entry
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let entry = try #require(pending, "the sender tried while the receiver was down")
        #expect(entry["status"] as? String == "pending")
        let deliveryID = try #require(entry["delivery_id"] as? String)
        #expect(try await server.stop(signal: SIGKILL) == SIGKILL)

        refusing = nil
        try await WebhookReceiver.with(port: receiverPort) { receiver in
            let server = try RunningProduct(
                "cronicle", ["serve", "--db", database, "--port", "0"], environment: environment)
            let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
            let client = try ContractClient(port: port)
            for _ in 0..<150 where receiver.requests.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            #expect(receiver.requests.map { $0.headers["webhook-id"] } == [deliveryID], "sent once, with its id")
            #expect(try receiver.requests.first?.object()["event"] as? String == "alert_opened")
            var status: String?
            for _ in 0..<50 {
                let log =
                    try await client.request("GET", "/notifications").object()["notifications"] as? [[String: Any]]
                status = log?.first?["status"] as? String
                if status == "delivered" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == "delivered")
            #expect(try await server.stop() == 0)
        }
    }

    @Test func theHeartbeatIsSentWhileTheEngineRuns() async throws {
        let folder = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let server = try RunningProduct(
                "cronicle",
                [
                    "serve", "--db", folder.url("c.db"), "--port", "0", "--heartbeat-url",
                    "http://127.0.0.1:\(receiver.port)/ping/watcher", "--heartbeat-interval", "1s",
                ])
            _ = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
            for _ in 0..<60 where receiver.requests.count < 2 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(receiver.requests.count >= 2, "one a second")
            #expect(receiver.requests.allSatisfy { $0.path == "/ping/watcher" })
            #expect(try await server.stop() == 0)
        }
        let refused = try await ProductRunner.run(
            "cronicle", ["serve", "--db", folder.url("c.db"), "--heartbeat-url", "hc-ping.com/x"], in: folder.path)
        #expect(refused.status != 0)
        #expect(
            refused.standardError.contains(
                "--heartbeat-url takes an http or https URL such as https://hc-ping.com/UUID, found 'hc-ping.com/x'"))
    }
}
