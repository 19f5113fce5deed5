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
