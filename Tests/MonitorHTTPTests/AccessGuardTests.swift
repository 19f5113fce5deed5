import CronicleTestSupport
import Foundation
import Hummingbird
import MonitorTestSupport
import Testing

@testable import MonitorDomain
@testable import MonitorEngine
@testable import MonitorHTTP
@testable import MonitorStorage
@testable import SyncClient

/// Authorization is decided by the group a route is declared in.
@Suite struct AccessGuardTests {
    /// The routes that stay open when a token is set: reads, and the pings of DESIGN.md §5
    /// and §10.1.
    static let open: Set<String> = [
        "POST jobs/{job_id}/start", "POST jobs/{job_id}/end", "POST jobs/{job_id}/fail", "POST ping/{uuid_or_key}",
        "POST ping/{uuid_or_key}/{action_or_job_id}", "POST ping/{uuid_or_key}/{action_or_job_id}/{action}",
        "POST login", "POST logout",
    ]

    @Test func everyRouteThatChangesSomethingNeedsTheTokenWhenOneIsSet() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "s3cret-token"
        let guarded = try await ServedRoutes.all(configuration: configuration).map {
            (method: $0.method, path: String($0.path.dropFirst()))
        }.filter { route in
            route.method != "GET" && route.method != "HEAD" && !Self.open.contains("\(route.method) \(route.path)")
        }
        #expect(
            guarded.count == 12,
            "five changes, a snooze and its end, a channel test, two sync routes and two of keys, found \(guarded)")
        try await LiveMonitor.with(configuration: configuration) { monitor in
            for route in guarded {
                let path = route.path.split(separator: "/").map { $0.hasPrefix("{") ? "1" : $0 }
                    .joined(separator: "/")
                let refused = try await monitor.request(route.method, "/" + path, json: [:])
                #expect(
                    refused.status == 401, "\(route.method) \(route.path) answered \(refused.status) without a token")
                #expect(refused.errorCode == "unauthorized")
                let wrong = try await monitor.request(
                    route.method, "/" + path, json: [:], headers: ["Authorization": "Bearer s3cret-tokeN"])
                #expect(wrong.status == 401)
            }
            // With it, they are served (here: 404 for the job "1", 400 for an empty sync body).
            let allowed = try await monitor.request(
                "POST", "/jobs/1/pause", headers: ["Authorization": "Bearer s3cret-token"])
            #expect(allowed.status == 404)
            // Pings and reads need none.
            #expect(try await monitor.request("POST", "/jobs/1/start").status == 404)
            #expect(try await monitor.request("GET", "/jobs").status == 200)
        }
    }
}
