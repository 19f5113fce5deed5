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

@Suite struct OpenAPIDocumentTests {
    /// Every route the router serves is in the document, with the same methods, and nothing else.
    @Test func describesExactlyTheRouter() async throws {
        let routed = Set(try await ServedRoutes.all().map { "\($0.method.lowercased()) \($0.path)" })
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
            // 27 before the ping grammar's 9, the run's 2, the snooze's 2, windows, keys' 3, the audit's 2,
            // sign-in's 3, badges' 3, stats, metrics, health.
            #expect(routed.count == 55)
        }
    }
}
