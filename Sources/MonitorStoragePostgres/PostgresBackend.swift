import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import NIOCore
import NIOPosix
import Synchronization

/// The store on a PostgreSQL database: each write one transaction on one of a few write
/// lanes (a connection on a thread of its own, ``PostgresLane``), each read one
/// `REPEATABLE READ READ ONLY` transaction on a read lane. A write commits before the call
/// returns (`synchronous_commit` as the server has it, on by default).
///
/// Writes are not grouped into shared transactions as SQLite's are: two nodes' batches
/// would take job locks in different orders and wait on each other until PostgreSQL's
/// deadlock detection broke one (docs/design/postgres-and-several-nodes.md §2.4). A
/// transaction goes to an idle lane, else to the one with the fewest transactions, so a
/// quiet monitor uses one connection of each kind.
package final class PostgresBackend: StoreBackend {
    package let url: DatabaseURL
    private let writers: [PostgresLane]
    private let readers: [PostgresLane]
    private let turn = Atomic<Int>(0)

    package var location: String { url.location }

    /// A new name each time a process opens the database: a node that restarts is a new
    /// node, and what the old one claimed lapses with its lease.
    package let node: String? = "n-" + UUID().uuidString.lowercased().prefix(13)

    /// The first write lane, for work that needs a lane's transaction itself (`cronicle migrate`).
    package var writeLane: PostgresLane { writers[0] }
    package var dialect: SQLDialect { .postgres }

    /// Lanes to the database at `url`; nothing connects until a transaction needs it.
    package init(url: DatabaseURL, writeConnections: Int = 8, readConnections: Int = 4, logger: Logger) {
        self.url = url
        writers = (0..<max(1, writeConnections)).map { index in
            PostgresLane(url: url, name: "cronicle-pg-write-\(index)", logger: logger)
        }
        readers = (0..<max(1, readConnections)).map { index in
            PostgresLane(url: url, name: "cronicle-pg-read-\(index)", logger: logger)
        }
    }

    /// Opens the database at `url` as `mode` asks: migrated to this build's schema
    /// (``PostgresMigrator``; `existing` wants a Cronicle database already there), or
    /// checked to have exactly this build's schema (`readOnly`, which changes nothing).
    package static func open(
        url: DatabaseURL, mode: MonitorStore.OpenMode, writeConnections: Int = 8, readConnections: Int = 4,
        logger: Logger
    ) async throws -> PostgresBackend {
        let backend = PostgresBackend(
            url: url, writeConnections: writeConnections, readConnections: readConnections, logger: logger)
        do {
            switch mode {
            case .create:
                try await PostgresMigrator.migrate(backend.writers[0], location: url.location)
            case .existing:
                try await PostgresMigrator.requireCronicle(backend.readers[0], location: url.location)
                try await PostgresMigrator.migrate(backend.writers[0], location: url.location)
            case .readOnly:
                try await PostgresMigrator.requireCurrent(backend.readers[0], location: url.location)
            }
        } catch {
            try? backend.close()
            throw error
        }
        return backend
    }

    package func write<T: Sendable>(
        lane: WriteLane, _ operation: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await least(writers).transaction(.readWrite) { session in try operation(session) }
    }

    package func read<T: Sendable>(_ operation: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await least(readers).transaction(.readOnly) { session in try operation(session) }
    }

    package func close() throws {
        for lane in writers + readers { lane.close() }
    }

    /// The first idle lane (nothing queued or running), the first lane first, so that a
    /// quiet monitor keeps to one connection; else, looked for from a turn that moves on
    /// each call, the one with the fewest transactions queued or running.
    private func least(_ lanes: [PostgresLane]) -> PostgresLane {
        if lanes[0].load == 0 { return lanes[0] }
        let start = turn.add(1, ordering: .relaxed).newValue & Int.max
        var best = lanes[start % lanes.count]
        var bestLoad = Int.max
        for offset in 0..<lanes.count {
            let lane = lanes[(start + offset) % lanes.count]
            let load = lane.load
            if load == 0 { return lane }
            if load < bestLoad { (best, bestLoad) = (lane, load) }
        }
        return best
    }
}
