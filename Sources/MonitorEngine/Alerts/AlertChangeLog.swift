import Foundation
import Logging
import MonitorDomain
import ServiceLifecycle

/// One log line per alert change (`alert_opened job=nightly_backup type=missed_job
/// id=12`), off the writer's thread: the store's handler only queues, this service
/// writes. Growth of an open incident is not logged, as it is not an event.
public final class AlertChangeLog: Service {
    private let logger: Logger
    private let stream: AsyncStream<AlertChange>
    private let token: Int
    private let store: any MonitorStoring

    public init(store: any MonitorStoring, logger: Logger) {
        self.logger = logger
        self.store = store
        let (stream, continuation) = AsyncStream<AlertChange>.makeStream(bufferingPolicy: .bufferingNewest(100_000))
        self.stream = stream
        // Local changes only: each alert is logged once, by the node that changed it.
        token = store.events.subscribe(remote: false) { event in
            guard case .alertsChanged(let changes) = event else { return }
            for change in changes where change.change != .updated { continuation.yield(change) }
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await change in self.stream {
                let subject = change.jobID.map { "job=\($0)" } ?? "channel=\(change.channel ?? "")"
                self.logger.notice(
                    "alert_\(change.change.rawValue) \(subject) type=\(change.kind.rawValue) id=\(change.alertID)")
            }
        }
        store.events.unsubscribe(token)
    }
}
