import Foundation
import Synchronization

/// A change the store has committed, told to whoever listens in this process.
///
/// Changes made by another process (`cronicle-sync --db`) are not told here; the alert
/// engine finds those in the `job_config_changes` table.
public enum StoreEvent: Sendable {
    /// One or more job configurations were created, changed or deleted.
    case jobsChanged
    /// A run started; `hasMaxRuntime` when its job gives it a deadline (`max_runtime`,
    /// and not a health check).
    case runStarted(JobRun, hasMaxRuntime: Bool)
    case runEnded(JobRun)
}

/// The store's listeners. Handlers run synchronously on the thread that committed, so
/// they must be quick (take a lock, record, signal) and never block.
public final class StoreEvents: Sendable {
    /// An array, not a dictionary, so that publishing (every ping does) takes a
    /// reference to it instead of copying the values out.
    private let handlers = Mutex<[(token: Int, handler: @Sendable (StoreEvent) -> Void)]>([])
    private let nextToken = Mutex(0)

    /// Registers `handler`; returns a token for ``unsubscribe(_:)``.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (StoreEvent) -> Void) -> Int {
        let token = nextToken.withLock { token in
            token += 1
            return token
        }
        handlers.withLock { $0.append((token, handler)) }
        return token
    }

    public func unsubscribe(_ token: Int) {
        handlers.withLock { $0.removeAll { $0.token == token } }
    }

    func publish(_ event: StoreEvent) {
        for entry in handlers.withLock({ $0 }) { entry.handler(event) }
    }
}
