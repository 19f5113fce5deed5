import Foundation
import Synchronization

/// The store's listeners. Handlers run synchronously on the thread that committed (or that
/// received another node's message), so they must be quick (take a lock, record, signal)
/// and never block.
///
/// An event is local (this process committed it) or remote (another node did, and told
/// through PostgreSQL's `NOTIFY`). A handler that only wants local ones (to tell other
/// nodes, or to log each alert once in the whole cluster) subscribes with
/// `remote: false`.
public final class StoreEvents: Sendable {
    public init() {}

    /// An array, not a dictionary, so that publishing (every ping does) takes a
    /// reference to it instead of copying the values out.
    private let handlers = Mutex<[(token: Int, remote: Bool, handler: @Sendable (StoreEvent) -> Void)]>([])
    private let nextToken = Mutex(0)

    /// Registers `handler`, for remote events too unless `remote` is false; returns a
    /// token for ``unsubscribe(_:)``.
    @discardableResult
    public func subscribe(remote: Bool = true, _ handler: @escaping @Sendable (StoreEvent) -> Void) -> Int {
        let token = nextToken.withLock { token in
            token += 1
            return token
        }
        handlers.withLock { $0.append((token, remote, handler)) }
        return token
    }

    public func unsubscribe(_ token: Int) {
        handlers.withLock { $0.removeAll { $0.token == token } }
    }

    /// Tells of the alert changes of one transaction, if there were any.
    public func publish(alerts changes: [AlertChange]) {
        if !changes.isEmpty { publish(.alertsChanged(changes)) }
    }

    /// Tells `event` to the handlers; a `remote` one (another node's) only to those that
    /// take remote events.
    public func publish(_ event: StoreEvent, remote: Bool = false) {
        for entry in handlers.withLock({ $0 }) where !remote || entry.remote { entry.handler(event) }
    }
}
