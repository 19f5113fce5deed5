import Config
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import ServiceLifecycle

/// Opens the monitor's database from what `--db` (or `CRONICLE_DB`) says: a PostgreSQL
/// address (`postgres://` or `postgresql://`) or the path of a SQLite file. `serve`,
/// `cronicle-sync` and `cronicle keys` open their store here.
///
/// ```swift
/// let store = try await StoreOpener.open("postgres://cronicle@db.internal/cronicle", mode: .readOnly)
/// ```
public enum StoreOpener {
    /// Whether `database` names a PostgreSQL database rather than a file.
    public static func isServer(_ database: String) -> Bool { DatabaseURL.isPostgres(database) }

    /// Opens `database` as `mode` asks (``MonitorStore/OpenMode``).
    public static func open(
        _ database: String, mode: MonitorStore.OpenMode = .create, clock: any MonitorClock = SystemClock(),
        logger: Logger = Logger(label: "cronicle"), secrets: (any SecretResolving)? = nil
    ) async throws -> MonitorStore {
        guard isServer(database) else {
            return try MonitorStore(path: database, mode: mode, clock: clock, logger: logger, secrets: secrets)
        }
        let backend = try await postgresBackend(database, mode: mode, logger: logger)
        return MonitorStore(backend: backend, clock: clock, logger: logger, secrets: secrets)
    }

    /// The PostgreSQL backend of the URL `database`, opened as `mode` asks.
    package static func postgresBackend(_ database: String, mode: MonitorStore.OpenMode, logger: Logger) async throws
        -> PostgresBackend
    {
        try await PostgresBackend.open(url: try DatabaseURL(database), mode: mode, logger: logger)
    }

    /// Opens `database` for `serve` and checks that it takes a write before the server
    /// says it listens. A PostgreSQL database that cannot be used yet (the server is
    /// starting, the network is not up, it refuses the sign-in or has no such database
    /// yet: anything PostgreSQL answers a connection with) is tried again, after 0.5 s,
    /// then twice as long each time up to 30 s, each try logged with its reason: a monitor
    /// started with its database waits for it instead of exiting. An error once connected
    /// (a schema of a newer Cronicle) is not tried again.
    public static func openWritable(
        _ database: String, logger: Logger, secrets: (any SecretResolving)? = nil,
        retryDelays: some Sequence<Duration> = backoff
    ) async throws -> MonitorStore {
        guard isServer(database) else {
            return try await MonitorStore.openWritable(path: database, logger: logger, secrets: secrets)
        }
        let url = try DatabaseURL(database)
        var delays = retryDelays.makeIterator()
        while true {
            do {
                let store = MonitorStore(
                    backend: try await PostgresBackend.open(url: url, mode: .create, logger: logger), logger: logger,
                    secrets: secrets)
                do {
                    try await store.checkWritable()
                } catch {
                    try? store.close()
                    throw error
                }
                return store
            } catch let error as MonitorError where error.code == .storageUnavailable {
                guard let delay = delays.next() else { throw error }
                logger.warning(
                    "cannot open the database yet, trying again in \(delay.formattedSeconds): \(error.message)")
                try await Task.sleep(for: delay)
            }
        }
    }

    /// What a node runs beside the monitor when its database may be shared with other
    /// nodes (PostgreSQL): its lease (``ClusterMembership``), taken before this returns so
    /// that its first claims are covered, and the events it tells and hears
    /// (``ClusterEvents``). None for a SQLite file, which one process serves.
    public static func clusterServices(for store: MonitorStore, logger: Logger) async throws -> [any Service] {
        guard let backend = store.backend as? PostgresBackend, let node = backend.node else { return [] }
        let name = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
        let membership = ClusterMembership(
            backend: backend, node: node, name: name, events: store.events, logger: logger)
        try await membership.join()
        return [membership, ClusterEvents(backend: backend, node: node, events: store.events, logger: logger)]
    }

    /// 0.5 s, doubling to 30 s, then every 30 s, without end.
    public static var backoff: some Sequence<Duration> {
        sequence(first: Duration.milliseconds(500)) { previous in min(previous * 2, .seconds(30)) }
    }
}

extension Duration {
    /// `0.5s`, `30s`: as a log line says a wait.
    fileprivate var formattedSeconds: String {
        let (seconds, attoseconds) = components
        let tenths = attoseconds / 100_000_000_000_000_000
        return tenths == 0 ? "\(seconds)s" : "\(seconds).\(tenths)s"
    }
}
