import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorTestSupport
import Testing

@testable import MonitorHTTP
@testable import MonitorStorage

/// Status badges (DESIGN 13): signed URLs anyone may load, even once keys guard the rest,
/// that tell a job's or tag's state and nothing else.
@Suite struct BadgeTests {
    @Test func badgesTellTheStateAtSignedURLsAndRefuseAlteredOnes() async throws {
        try await LiveMonitor.with(clock: ManualClock("2026-11-28T05:50:00Z")) { monitor in
            for (job, schedule) in [("backup", "0 6 * * *"), ("report.daily", "@daily"), ("etl", "30 6 * * *")] {
                _ = try await monitor.store.saveJob(JobDefinition(jobID: job, schedule: schedule, tags: ["prod"]))
            }
            let reader = try await monitor.store.createKey(name: "r", scope: .read, jobs: [], tags: [], by: .test)
                .secret
            let list = try await monitor.request("GET", "/badges", headers: ["Authorization": "Bearer \(reader)"])
            #expect(list.status == 200)
            let jobs = try #require(try list.object()["jobs"] as? [[String: Any]])
            let backup = try #require(jobs.first { $0["job_id"] as? String == "backup" })
            let svg = try #require(backup["svg"] as? String)
            #expect(
                backup["markdown"] as? String == "[![backup](\(svg))](http://127.0.0.1:\(monitor.port)/ui/jobs/backup)")
            let tag = try #require(
                (try list.object()["tags"] as? [[String: Any]])?.first { $0["tag"] as? String == "prod" })
            let path = { (url: String) in String(url.dropFirst("http://127.0.0.1:\(monitor.port)".count)) }
            // No key needed, though keys exist; nothing but the state and the name is told.
            let image = try await monitor.request("GET", path(svg))
            #expect(image.status == 200)
            #expect(image.headers["content-type"] == "image/svg+xml")
            #expect(image.headers["cache-control"] == "no-cache")
            #expect(image.text.contains(">backup</text>") && image.text.contains(">up</text>"))
            #expect(!image.text.contains("ping"))
            let shields = try await monitor.request("GET", path(try #require(backup["shields"] as? String))).object()
            #expect(shields["schemaVersion"] as? Int == 1 && shields["message"] as? String == "up")
            #expect(shields["color"] as? String == "brightgreen")
            // The same answer again is 304 for its ETag.
            let etag = try #require(image.headers["etag"])
            // A quoted strong tag: the first 8 bytes of the body's SHA-256 in lower-case hex.
            #expect(etag.wholeMatch(of: /"[0-9a-f]{16}"/) != nil, "\(etag)")
            #expect(try await monitor.request("GET", path(svg), headers: ["If-None-Match": etag]).status == 304)

            // 06:00 passes without a start: the badge says down, and the tag's too.
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T06:02:00Z")!)
            try await monitor.engine.evaluate()
            let down = try await monitor.request("GET", path(try #require(backup["json"] as? String))).object()
            #expect(down["state"] as? String == "down")
            let tagged = try await monitor.request("GET", path(try #require(tag["json"] as? String))).object()
            #expect(tagged["state"] as? String == "down")
            #expect(tagged["jobs"] as? Int == 3 && tagged["down"] as? Int == 1 && tagged["up"] as? Int == 2)
            #expect(try await monitor.request("GET", path(svg), headers: ["If-None-Match": etag]).status == 200)

            // A name with a dot keeps its dot; an altered signature, or one job's signature on
            // another job, is refused.
            let dotted = try #require(jobs.first { $0["job_id"] as? String == "report.daily" }?["svg"] as? String)
            #expect(try await monitor.request("GET", path(dotted)).status == 200)
            var altered = Array(path(svg))
            let index = "/badges/job/".count + 3
            altered[index] = altered[index] == "A" ? "B" : "A"
            let refused = try await monitor.request("GET", String(altered))
            #expect(refused.status == 403)
            #expect(refused.errorMessage?.contains("signature does not match") == true)
            let swapped = path(svg).replacingOccurrences(of: "/backup.svg", with: "/etl.svg")
            #expect(try await monitor.request("GET", swapped).status == 403)
            let asTag = path(svg).replacingOccurrences(of: "/badges/job/", with: "/badges/tag/")
            #expect(try await monitor.request("GET", asTag).status == 403)
        }
    }
}
