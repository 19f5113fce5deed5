import CronicleLogging
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Carries store events between the nodes that share one PostgreSQL database, through
/// `LISTEN`/`NOTIFY` on the channel `cronicle_events`: a ping taken by one node shows on
/// pages served by another, and an alert opened by one wakes every node's sender.
///
/// What this node commits is gathered and sent every ``flushInterval`` as one `NOTIFY` (or
/// a few, each under PostgreSQL's 8,000-byte limit; ``ClusterMessage``), from a connection
/// of its own, never from the transaction that made the change: PostgreSQL serializes the
/// commits of transactions that notify, which would make every ping wait on every other.
/// What other nodes send is published to this node's listeners as remote events.
///
/// A hint, never the only way: a node that dies takes its last events with it, and a
/// listener whose connection was lost missed what was said meanwhile. Nothing depends on
/// them: the alert engine reads the job change log at each wake-up and reads open runs
/// again when the nodes change (``StoreEvent/clusterChanged``, published here too after a
/// lost connection), the sender looks for due deliveries every second, and pages redraw.
package final class ClusterEvents: Service {
    package static let flushInterval: Duration = .milliseconds(50)

    private let node: String
    private let url: DatabaseURL
    private let events: StoreEvents
    private let logger: Logger
    private let lane: PostgresLane
    /// What this node committed since the last flush.
    private let pending = Gathered()
    private let token: Int

    package init(backend: PostgresBackend, node: String, events: StoreEvents, logger: Logger) {
        self.node = node
        url = backend.url
        self.events = events
        self.logger = logger
        lane = PostgresLane(url: backend.url, name: "cronicle-pg-notify", logger: logger)
        let pending = pending
        token = events.subscribe(remote: false) { event in
            guard let wire = ClusterMessage.Event(event) else { return }
            pending.events.withLock { $0.append(wire) }
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen() }
                group.addTask { await self.send() }
            }
        }
        events.unsubscribe(token)
        // What was committed in the last moments still reaches the others.
        try? await flush()
        lane.close()
    }

    /// Sends what was gathered, every ``flushInterval``, until cancelled.
    private func send() async {
        let failures = ThrottledLog(logger: logger)
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.flushInterval)
            do {
                try await flush()
                failures.clear("cluster: telling other nodes of changes again")
            } catch {
                failures.log(
                    "cluster: cannot tell other nodes of this node's changes (their pages and engines find them "
                        + "later): \(PostgresFault.monitorError(error, location: url.location).message)")
            }
        }
    }

    private func flush() async throws {
        let taken = pending.events.withLock { pending -> [ClusterMessage.Event] in
            defer { pending = [] }
            return pending
        }
        guard !taken.isEmpty else { return }
        let payloads = ClusterMessage.payloads(node: node, events: taken)
        try await lane.transaction { session in
            for payload in payloads {
                _ = try session.fetchOne(
                    "SELECT count(*) FROM (SELECT pg_notify(?, ?)) AS sent",
                    [.text(ClusterMessage.channel), .text(payload)])
            }
        }
    }

    /// Listens on a connection of its own, opened again (after a second) when lost.
    private func listen() async {
        let failures = ThrottledLog(logger: logger)
        let decoder = JSONDecoder()
        var lost = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try url.connectionConfiguration(),
                    id: Int.random(in: 0..<Int.max), logger: PostgresConnection.quiet(logger))
                defer { connection.closeWithoutWaiting() }
                try await connection.listen(on: ClusterMessage.channel) { notifications in
                    if lost {
                        // What other nodes said meanwhile was missed: read again.
                        failures.clear("cluster: hearing other nodes again")
                        events.publish(.clusterChanged)
                        lost = false
                    }
                    for try await notification in notifications {
                        receive(notification.payload, decoder: decoder)
                    }
                }
            } catch {
                if Task.isCancelled { break }
                failures.log(
                    "cluster: not hearing other nodes (trying again in 1 s): "
                        + "\(PostgresFault.monitorError(error, location: url.location).message)")
            }
            lost = true
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func receive(_ payload: String, decoder: JSONDecoder) {
        guard let message = try? decoder.decode(ClusterMessage.self, from: Data(payload.utf8)) else {
            logger.debug("cluster: a message on \(ClusterMessage.channel) was not read: \(payload.prefix(200))")
            return
        }
        guard message.node != node else { return }
        for event in message.events {
            if let event = event.storeEvent { events.publish(event, remote: true) }
        }
        if message.overflow == true {
            // Events were left out: pages redraw, and the sender looks at the outbox.
            events.publish(.jobsChanged, remote: true)
            events.publish(.deliveriesQueued, remote: true)
        }
    }

    private final class Gathered: Sendable {
        let events = Mutex<[ClusterMessage.Event]>([])
    }
}
