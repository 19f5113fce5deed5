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
