import CronicleLogging
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import ServiceLifecycle
import Synchronization

/// This node's lease among the nodes that share one PostgreSQL database: a row of
/// `node_leases` whose expiry is renewed every ``renewInterval`` to ``leaseLength`` ahead,
/// by the database's clock (so nodes whose clocks disagree still agree on who lives).
///
/// What a node claims (deliveries it is sending) is its own only while its lease lives:
/// a node killed with `kill -9` stops renewing, and 2 s later the others take its claims.
/// A node that stops cleanly removes its row and lets go of its claims at once. When the
/// set of live nodes changes, the store's listeners are told (``StoreEvent/clusterChanged``):
/// the alert engine reads open runs again (a dead node's last starts), and the sender
/// looks for deliveries freed.
///
/// The lease has a connection of its own, so that it is renewed on time however busy the
/// store's lanes are with pings.
package final class ClusterMembership: Service {
    /// How long a lease lasts unless renewed: how soon the others take over a killed node's claims.
    package static let defaultLeaseLength: Duration = .seconds(2)
    package static let renewInterval: Duration = .milliseconds(500)
    /// Rows of nodes gone longer than this are removed (by whichever node renews).
    static let forgetAfter = "1 hour"

    package let node: String
    package let leaseLength: Duration
    /// What logs name the node by: the address it serves on, and its process id.
    package let name: String
    private let lane: PostgresLane
    private let location: String
    private let events: StoreEvents
    private let logger: Logger
    /// The live nodes, as last read, sorted by name.
    private let live = Mutex<[(id: String, name: String)]>([])

    /// The lease of `store`'s node, on the database of `backend`. Tests that must not
    /// depend on the machine's load give a longer `leaseLength`.
    package init(
        backend: PostgresBackend, node: String, name: String, events: StoreEvents, logger: Logger,
        leaseLength: Duration = defaultLeaseLength
    ) {
        self.node = node
        self.leaseLength = leaseLength
        self.name = name
        self.events = events
        self.logger = logger
        // A renewal that takes longer than a second has failed: a lease of 2 s renewed every
        // half second must not wait 15 s on a lost connection (the lanes' deadline).
        lane = PostgresLane(
            url: backend.url, name: "cronicle-pg-lease", logger: logger, answerDeadline: .seconds(1))
        location = backend.url.location
    }

    /// The nodes whose leases lived at the last renewal, this one included: their names.
    package var liveNodes: [String] { live.withLock { $0.map(\.name) } }

    /// Takes the lease; done before the node serves, so that its first claims are covered.
    package func join() async throws {
        _ = try await renew()
        logger.info("cluster: joined as \(name) (node \(node)); nodes: \(liveNodes.joined(separator: ", "))")
    }

    package func run() async throws {
        let failures = ThrottledLog(logger: logger)
        await cancelWhenGracefulShutdown {
            var renewals = 0
            while !Task.isCancelled {
                do {
                    let changed = try await self.renew(forgetting: renewals % 120 == 0)
                    failures.clear("cluster: the lease is renewed again")
                    if changed {
                        self.logger.info("cluster: nodes now: \(self.liveNodes.joined(separator: ", "))")
                        self.events.publish(.clusterChanged)
                    }
                } catch {
                    failures.log(
                        "cluster: cannot renew this node's lease (others take its claims 2 s after the last renewal): "
                            + "\(PostgresFault.monitorError(error, location: self.location).message)")
                }
                renewals += 1
                try? await Task.sleep(for: Self.renewInterval)
            }
        }
        await leave()
    }

    /// Renews the lease and reads who lives; answers whether that changed.
    package func renew(forgetting: Bool = false) async throws -> Bool {
        let (node, name, length) = (node, name, leaseLength.components.seconds)
        let nodes = try await lane.transaction { session -> [(id: String, name: String)] in
            try session.execute(
                """
                INSERT INTO node_leases (node_id, name, started_at, expires_at)
                VALUES (?, ?, clock_timestamp(), clock_timestamp() + ? * INTERVAL '1 second')
                ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at
                """, [.text(node), .text(name), .integer(length)])
            if forgetting {
                try session.execute(
                    "DELETE FROM node_leases WHERE expires_at < clock_timestamp() - INTERVAL '\(Self.forgetAfter)'")
            }
            return try session.fetchAll(
                "SELECT node_id, name FROM node_leases WHERE expires_at > clock_timestamp() ORDER BY name, node_id"
            ).map { (try $0.text(0), try $0.text(1)) }
        }
        // By id, not name: a node restarted under the same name (a container's pid 1) is another node.
        return live.withLock { live in
            defer { live = nodes }
            return !live.isEmpty && live.map(\.id) != nodes.map(\.id)
        }
    }

    /// Removes the lease and lets go of the deliveries claimed, so that the other nodes
    /// take over now rather than when the lease would have run out.
    package func leave() async {
        let node = node
        do {
            try await lane.transaction { session in
                try session.execute("DELETE FROM node_leases WHERE node_id = ?", [.text(node)])
                try session.execute(
                    "UPDATE deliveries SET claimed_by = NULL WHERE claimed_by = ?", [.text(node)])
            }
            logger.info("cluster: left; the other nodes take over this node's claims")
        } catch {
            let reason = PostgresFault.monitorError(error, location: location).message
            logger.warning(
                "cluster: could not remove this node's lease; the others take over its claims when it runs out: \(reason)"
            )
        }
        lane.close()
    }
}
