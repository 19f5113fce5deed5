import Foundation
import MonitorDomain
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
    /// Alerts opened, grew, resolved or were acknowledged, in one committed transaction.
    case alertsChanged([AlertChange])
    /// An apply, applied or failed, was added to the sync history.
    case syncRecorded(SyncRecord)
}

/// What happened to one alert.
public struct AlertChange: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable {
        case opened, updated, resolved, acknowledged
    }

    public var alertID: Int64
    public var jobID: String
    public var kind: JobAlert.Kind
    public var change: Change

    public init(alertID: Int64, jobID: String, kind: JobAlert.Kind, change: Change) {
        self.alertID = alertID
        self.jobID = jobID
        self.kind = kind
        self.change = change
    }
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

    /// Tells of the alert changes of one transaction, if there were any.
    func publish(alerts changes: [AlertChange]) {
        if !changes.isEmpty { publish(.alertsChanged(changes)) }
    }

    func publish(_ event: StoreEvent) {
        for entry in handlers.withLock({ $0 }) { entry.handler(event) }
    }
}
