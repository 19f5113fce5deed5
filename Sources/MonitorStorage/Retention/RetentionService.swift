import Foundation
import Logging
import MonitorDomain
import ServiceLifecycle

/// Removes old runs and alerts as `--keep-runs` and `--keep-alerts` say: once at start-up,
/// then every ``RetentionPolicy/interval``, in small batches beside the pings (see
/// ``MonitorStore/removeExpiredRuns(olderThan:batching:)``).
///
/// Cut-offs come from the store's clock. Each pass logs what it removed; a pass that
/// fails is logged and the next one tries again.
public struct RetentionService: Service {
    let store: MonitorStore
    let policy: RetentionPolicy
    let logger: Logger

    public init(store: MonitorStore, policy: RetentionPolicy, logger: Logger = Logger(label: "cronicle")) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    public func run() async throws {
        guard policy.isActive else {
            // A service that returns ends the group: one with nothing to do waits for the end.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await self.clean()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error(
                        "retention: the clean-up failed, next try in a day: \(MonitorStore.describe(error))")
                }
                do {
                    try await Task.sleep(for: self.policy.interval)
                } catch {
                    return
                }
            }
        }
    }

    /// One pass: resolved alerts first, since the runs they name are kept while they exist.
    public func clean() async throws -> RetentionOutcome {
        let started = ContinuousClock.now
        let now = store.clock.now
        var outcome = RetentionOutcome()
        if let keep = policy.keepAlerts {
            outcome += try await store.removeExpiredAlerts(
                resolvedBefore: now.addingTimeInterval(-keep), batching: policy.batching)
        }
        if let keep = policy.keepRuns {
            outcome += try await store.removeExpiredRuns(
                olderThan: now.addingTimeInterval(-keep), batching: policy.batching)
        }
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "runs": "\(outcome.runs)", "outputs": "\(outcome.outputs)", "alerts": "\(outcome.alerts)",
            "deliveries": "\(outcome.deliveries)", "batches": "\(outcome.batches)",
            "seconds": "\(String(format: "%.1f", Double(elapsed.components.seconds)))",
        ]
        if let cutoff = outcome.runsCutoff { metadata["runs_before"] = "\(Timestamp.string(from: cutoff))" }
        if policy.keepRuns != nil && outcome.runsCutoff == nil {
            logger.notice("retention: runs kept this time, the alert engine has not checked any deadline yet")
        }
        logger.info(
            """
            retention: removed \(outcome.runs) runs (\(outcome.outputs) outputs) and \(outcome.alerts) alerts \
            (\(outcome.deliveries) notifications)
            """, metadata: metadata)
        return outcome
    }
}
