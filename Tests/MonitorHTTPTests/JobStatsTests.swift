import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorTestSupport
import Testing

@testable import MonitorHTTP
@testable import MonitorStorage

/// `GET /jobs/{id}/stats` and the job page's reliability table (DESIGN 13).
@Suite struct JobStatsTests {
    @Test func successOnTimeAndDurationsOverSevenAndThirtyDays() async throws {
        let clock = ManualClock("2026-11-28T00:00:30Z")
        try await LiveMonitor.with(clock: clock) { monitor in
            #expect(
                try await monitor.request("POST", "/jobs", json: ["job_id": "hourly", "schedule": "0 * * * *"]).status
                    == 201)
            let start = clock.now
            // Ten runs at 01:00 ... 10:00, lasting 1 ... 10 minutes; the 3rd and 7th fail.
            for hour in 1...10 {
                clock.set(start.addingTimeInterval(Double(hour) * 3600 - 20))
                #expect(try await monitor.request("POST", "/jobs/hourly/start").status == 201)
                clock.advance(by: Double(hour) * 60)
                let code = hour == 3 || hour == 7 ? 1 : 0
                #expect(
                    try await monitor.request(
                        "POST", "/jobs/hourly/end", json: ["exit_code": .number(JSONNumber(Double(code)))]
                    ).status == 200)
                try await monitor.engine.evaluate()
            }
            // 11:00 and 12:00 pass without a start: one incident, two missed.
            clock.set(start.addingTimeInterval(12 * 3600 + 90))
            try await monitor.engine.evaluate()
            let stats = try await monitor.request("GET", "/jobs/hourly/stats").object()
            let windows = try #require(stats["windows"] as? [[String: Any]])
            #expect(windows.map { $0["days"] as? Int } == [7, 30])
            for window in windows {
                #expect(window["runs"] as? Int == 10)
                #expect(window["succeeded"] as? Int == 8)
                #expect(window["success_rate"] as? Double == 0.8)
                #expect(window["expected"] as? Int == 12)
                #expect(window["missed"] as? Int == 2)
                #expect(abs((window["on_time_rate"] as? Double ?? 0) - 10.0 / 12.0) < 1e-9)
                #expect(window["duration_p50_seconds"] as? Double == 300)
                #expect(window["duration_p95_seconds"] as? Double == 600)
            }
            let page = try await monitor.request("GET", "/ui/jobs/hourly").text
            #expect(page.contains("<td data-label=\"Succeeded\">80.0%</td>"))
            #expect(page.contains("83.3%"))
            // Runs older than the window leave it: 8 days on, the 7-day window is empty.
            clock.advance(by: 8 * 86_400)
            let later = try #require(
                try await monitor.request("GET", "/jobs/hourly/stats").object()["windows"] as? [[String: Any]])
            #expect(later[0]["runs"] as? Int == 0)
            #expect(later[0]["success_rate"] is NSNull)
            #expect(later[1]["runs"] as? Int == 10)
            #expect(try await monitor.request("GET", "/jobs/nosuch/stats").status == 404)
        }
    }
}
