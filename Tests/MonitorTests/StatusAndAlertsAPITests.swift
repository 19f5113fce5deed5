import CronicleTestSupport
import Foundation
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

@Suite struct StatusAPITests {
    static func status(_ monitor: LiveMonitor, _ job: String = "job") async throws -> [String: Any] {
        try await monitor.request("GET", "/jobs/\(job)/status").object()
    }

    @Test func walksThroughTheStatesWithTheClock() async throws {
        // 06:00 now; the job fires hourly, 5 minutes of tolerance, 10 minutes of runtime.
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "job", "schedule": "0 * * * *", "tolerance": 5, "max_runtime": 10])
            var status = try await Self.status(monitor)
            #expect(status["status"] as? String == "new")
            #expect(status["next_fire_time"] as? String == "2026-11-28T07:00:00.000Z")
            #expect(status["deadline"] as? String == "2026-11-28T07:05:00.000Z")
            #expect(status["last_run"] is NSNull)

            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:02:00Z")!)
            status = try await Self.status(monitor)
            #expect(status["status"] as? String == "late")
            #expect(status["deadline"] as? String == "2026-11-28T07:05:00.000Z")
            #expect(status["next_fire_time"] as? String == "2026-11-28T08:00:00.000Z")

            _ = try await monitor.request("POST", "/jobs/job/start")
            status = try await Self.status(monitor)
            #expect(status["status"] as? String == "running")
            #expect((status["last_run"] as? [String: Any])?["status"] as? String == "running")

            monitor.clock.advance(by: 11 * 60)
            #expect(try await Self.status(monitor)["status"] as? String == "long_running")

            _ = try await monitor.request("POST", "/jobs/job/end")
            #expect(try await Self.status(monitor)["status"] as? String == "ok")

            _ = try await monitor.request("POST", "/jobs/job/fail")
            #expect(try await Self.status(monitor)["status"] as? String == "failed")
            let open = try #require(try await Self.status(monitor)["open_alerts"] as? [[String: Any]])
            #expect(open.map { $0["type"] as? String } == ["failed"])

            _ = try await monitor.request("POST", "/jobs/job/pause")
            #expect(try await Self.status(monitor)["status"] as? String == "paused")
        }
    }

    @Test func anEarlyStartCountsForTheComingFireTime() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "job", "schedule": "0 * * * *", "tolerance": 5])
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T06:59:30Z")!)
            _ = try await monitor.request("POST", "/jobs/job/start")
            _ = try await monitor.request("POST", "/jobs/job/end")
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:01:00Z")!)
            #expect(try await Self.status(monitor)["status"] as? String == "ok")
        }
    }

    @Test func aJobIsNotLateForFireTimesBeforeItExisted() async throws {
        try await LiveMonitor.with { monitor in
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:02:00Z")!)
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "job", "schedule": "0 * * * *", "tolerance": 5])
            #expect(try await Self.status(monitor)["status"] as? String == "new")
        }
    }
}

@Suite struct AlertsAPITests {
    @Test func listFilterAndAcknowledge() async throws {
        try await LiveMonitor.with { monitor in
            for job in ["a", "b"] {
                _ = try await monitor.request("POST", "/jobs", json: ["job_id": .string(job), "schedule": "@daily"])
                _ = try await monitor.request("POST", "/jobs/\(job)/fail")
            }
            let all = try await monitor.request("GET", "/alerts").object()
            #expect(all["total"] as? Int == 2)
            let alerts = try #require(all["alerts"] as? [[String: Any]])
            #expect(alerts.map { $0["job_id"] as? String } == ["b", "a"], "newest first")
            let id = try #require(alerts.last?["id"] as? Int)

            monitor.clock.advance(by: 30)
            let acknowledged = try await monitor.request("POST", "/alerts/\(id)/acknowledge")
            #expect(acknowledged.status == 200)
            let alert = try acknowledged.object()
            #expect(alert["acknowledged"] as? Bool == true)
            #expect(alert["acknowledged_at"] as? String == "2026-11-28T06:00:30.000Z")
            #expect(alert["resolved_at"] is NSNull, "acknowledging does not resolve")
            monitor.clock.advance(by: 30)
            let again = try await monitor.request("POST", "/alerts/\(id)/acknowledge").object()
            #expect(again["acknowledged_at"] as? String == "2026-11-28T06:00:30.000Z")

            #expect(try await monitor.request("GET", "/alerts?acknowledged=true").object()["total"] as? Int == 1)
            #expect(
                try await monitor.request("GET", "/alerts?acknowledged=false&job_id=b").object()["total"] as? Int == 1)
            #expect(try await monitor.request("GET", "/alerts?type=missed_job").object()["total"] as? Int == 0)
            #expect(try await monitor.request("GET", "/alerts?per_page=1&page=2").object()["alerts"] as? [Any] != nil)

            let missing = try await monitor.request("POST", "/alerts/999/acknowledge")
            #expect(missing.status == 404)
            #expect(missing.errorMessage == "alert 999 does not exist")
            #expect(try await monitor.request("POST", "/alerts/abc/acknowledge").status == 404)
        }
    }
}

@Suite struct OpenAPIDocumentTests {
    /// Every route the router serves is in the document, with the same methods, and nothing else.
    @Test func describesExactlyTheRouter() async throws {
        let folder = try TemporaryFolder()
        let router = Router(context: CronicleRequestContext.self)
        let store = try MonitorStore(path: folder.url("db.sqlite"))
        MonitorAPI(store: store, configuration: ServerConfiguration()).addRoutes(to: router)
        try await Dashboard(store: store, events: LiveEvents(store: store)).addRoutes(to: router)
        let routed: Set<String> = Set(
            router.routes.map { route in
                let path = route.path.description.split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                return "\(route.method.rawValue.lowercased()) /\(path)"
            })
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request("GET", "/openapi.json")
            #expect(response.status == 200)
            let document = try response.object()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method) \(path)") }
            }
            #expect(documented == routed)
            #expect(routed.count == 23)
        }
    }
}

@Suite struct ServerConfigurationTests {
    @Test func environmentThenValidation() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: [
            "CRONICLE_HOST": "0.0.0.0", "CRONICLE_PORT": "9000", "CRONICLE_DB": "/var/lib/cronicle/db",
            "CRONICLE_API_TOKEN": "t", "CRONICLE_TRUST_PROXY": "true", "CRONICLE_MAX_BODY": "131072",
        ])
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9000)
        #expect(configuration.databasePath == "/var/lib/cronicle/db" && configuration.apiToken == "t")
        #expect(configuration.trustProxy && configuration.maxBodyBytes == 131_072)
        try configuration.validate()
    }

    @Test func refusesAnOpenAPIBeyondLoopbackWithoutAToken() throws {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: ServerConfiguration.Problem.self) { try configuration.validate() }
        configuration.insecure = true
        try configuration.validate()
        var loopback = ServerConfiguration()
        loopback.host = "::1"
        try loopback.validate()
    }

    @Test func badEnvironmentValuesAreNamed() {
        var configuration = ServerConfiguration()
        #expect(throws: ServerConfiguration.Problem(description: "CRONICLE_PORT must be a number, found 'http'")) {
            try configuration.apply(environment: ["CRONICLE_PORT": "http"])
        }
        #expect(
            throws: ServerConfiguration.Problem(description: "CRONICLE_INSECURE must be true or false, found 'maybe'")
        ) {
            try configuration.apply(environment: ["CRONICLE_INSECURE": "maybe"])
        }
    }
}
