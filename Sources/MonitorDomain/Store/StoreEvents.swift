import Foundation
import Synchronization

/// The store's listeners. Handlers run synchronously on the thread that committed, so
/// they must be quick (take a lock, record, signal) and never block.
public final class StoreEvents: Sendable {
    public init() {}

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

    /// Tells of the alert changes of one transaction, if there were any.
    public func publish(alerts changes: [AlertChange]) {
        if !changes.isEmpty { publish(.alertsChanged(changes)) }
    }

    public func publish(_ event: StoreEvent) {
        for entry in handlers.withLock({ $0 }) { entry.handler(event) }
    }
}
