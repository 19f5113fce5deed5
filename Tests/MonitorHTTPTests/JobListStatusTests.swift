import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

@Suite struct JobListStatusTests {
    @Test func theJobListShowsTheSameStatusAsEachJobsStatus() async throws {
        try await LiveMonitor.with { monitor in
            for (id, schedule) in [
                ("quiet", "0 12 * * *"), ("silent", "0 * * * *"), ("busy", "0 * * * *"), ("broken", "@daily"),
            ] {
                _ = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": .string(id), "schedule": .string(schedule), "max_runtime": 30])
            }
            _ = try await monitor.request("POST", "/jobs/broken/start")
            _ = try await monitor.request("POST", "/jobs/broken/fail")
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:01:00Z")!)
            _ = try await monitor.request("POST", "/jobs/busy/start")
            try await monitor.engine.evaluate()
            let list = try await monitor.request("GET", "/jobs").object()["jobs"] as? [[String: Any]] ?? []
            var listed: [String: String] = [:]
            for job in list { listed[job["job_id"] as! String] = job["status"] as? String }
            #expect(listed == ["quiet": "new", "silent": "missed", "busy": "running", "broken": "failed"])
            for (id, state) in listed {
                let status = try await monitor.request("GET", "/jobs/\(id)/status").object()
                #expect(status["status"] as? String == state, "\(id)")
            }
            let busy = try #require(list.first { $0["job_id"] as? String == "busy" })
            #expect(busy["next_fire_time"] as? String == "2026-11-28T08:00:00.000Z")
        }
    }
}
