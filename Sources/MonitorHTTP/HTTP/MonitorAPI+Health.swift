import Foundation
import Hummingbird
import MonitorDomain
import MonitorEngine

extension MonitorAPI {
    /// `GET /health`, open to anyone (a load balancer, Docker's health check, an
    /// orchestrator's probe): 200 when the alert engine checked its deadlines in the last
    /// 10 seconds and the database answers a read, else 503 saying which failed. It tells
    /// nothing about jobs, so it needs no key.
    func addHealthRoute(open router: Router<CronicleRequestContext>) {
        router.get("/health") { _, _ in
            let now = store.clock.now
            let last = metrics.lastEngineEvaluation
            let engine: HealthRepresentation.Check
            switch last {
            case nil:
                engine = .init(ok: false, detail: "the alert engine has not checked its deadlines yet")
            // A negative age is a clock that stepped back since: stale too, or an engine that
            // stalled right after the step would read as healthy until the clock caught up.
            case let last?
            where now.timeIntervalSince(last) > Heartbeat.healthyWithin || now.timeIntervalSince(last) < -1:
                let seconds = Int(now.timeIntervalSince(last))
                engine = .init(
                    ok: false, detail: "the alert engine last checked its deadlines \(seconds) s ago (at most 10 s)")
            default:
                engine = .init(ok: true)
            }
            let database: HealthRepresentation.Check
            do {
                _ = try await store.keysVersion()
                database = .init(ok: true)
            } catch let error as MonitorError {
                database = .init(ok: false, detail: error.message)
            } catch {
                database = .init(ok: false, detail: "the database could not be read")
            }
            let health = HealthRepresentation(engine: engine, lastEvaluation: last, database: database)
            var response = json(health, status: health.isHealthy ? .ok : .serviceUnavailable)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }
}
