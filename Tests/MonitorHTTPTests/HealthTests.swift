import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// `GET /health`: healthy while the alert engine checks its deadlines and the database
/// answers; 503 saying which check fails; open to anyone, keys or not.
@Suite struct HealthTests {
    @Test func healthyOnlyWhileTheEngineEvaluatesAndNeverBehindAKey() async throws {
        let clock = ManualClock("2026-11-28T06:00:00Z")
        try await LiveMonitor.with(clock: clock) { monitor in
            // Keys on: every other read needs one; this does not.
            _ = try await monitor.store.createKey(
                name: "admin", scope: .admin, jobs: [], tags: [], by: .test)
            #expect(try await monitor.request("GET", "/jobs").status == 401)

            let starting = try await monitor.request("GET", "/health")
            #expect(starting.status == 503)
            #expect(starting.headers["cache-control"] == "no-store")
            let before = try starting.object()
            #expect(before["status"] as? String == "unhealthy")
            let engine = try #require((before["checks"] as? [String: Any])?["engine"] as? [String: Any])
            #expect(engine["status"] as? String == "failing")
            #expect(engine["detail"] as? String == "the alert engine has not checked its deadlines yet")
            let database = (before["checks"] as? [String: Any])?["database"] as? [String: Any]
            #expect(database?["status"] as? String == "ok")

            try await monitor.engine.evaluate()
            let healthy = try await monitor.request("GET", "/health")
            #expect(healthy.status == 200)
            let checks = try #require(try healthy.object()["checks"] as? [String: Any])
            #expect((checks["engine"] as? [String: Any])?["last_evaluation"] as? String == "2026-11-28T06:00:00.000Z")
            #expect(try healthy.object()["status"] as? String == "ok")

            // Ten seconds without an evaluation is still healthy; eleven is not.
            clock.advance(by: 10)
            #expect(try await monitor.request("GET", "/health").status == 200)
            clock.advance(by: 1)
            let stalled = try await monitor.request("GET", "/health")
            #expect(stalled.status == 503)
            let stalledEngine = (try stalled.object()["checks"] as? [String: Any])?["engine"] as? [String: Any]
            #expect(
                stalledEngine?["detail"] as? String
                    == "the alert engine last checked its deadlines 11 s ago (at most 10 s)")
            // A clock stepped back an hour since the last check reads as stale, not fresh.
            try await monitor.engine.evaluate()
            #expect(try await monitor.request("GET", "/health").status == 200)
            clock.advance(by: -3600)
            #expect(try await monitor.request("GET", "/health").status == 503)
        }
    }

    @Test func aDatabaseThatCannotBeReadIsUnhealthy() async throws {
        try await LiveMonitor.with { monitor in
            try await monitor.engine.evaluate()
            #expect(try await monitor.request("GET", "/health").status == 200)
            try monitor.store.close()
            let closed = try await monitor.request("GET", "/health")
            #expect(closed.status == 503)
            let database = (try closed.object()["checks"] as? [String: Any])?["database"] as? [String: Any]
            #expect(database?["status"] as? String == "failing")
            #expect((database?["detail"] as? String)?.isEmpty == false)
        }
    }
}
