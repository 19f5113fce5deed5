import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

@Suite struct RunTimesTests {
    @Test func aRunShowsTheSameStartTimeWhenStartedAndWhenEnded() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "job", "schedule": "@daily"])
            for fraction in stride(from: 0.0001, to: 0.01, by: 0.0007) {
                monitor.clock.set(Date(timeIntervalSince1970: 1_795_845_600.305 + fraction))
                let started = try await monitor.request("POST", "/jobs/job/start").object()
                let ended = try await monitor.request("POST", "/jobs/job/end").object()
                #expect(started["start_time"] as? String == ended["start_time"] as? String, "\(fraction)")
            }
        }
    }
}
