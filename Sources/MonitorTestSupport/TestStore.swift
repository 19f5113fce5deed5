import Config
import CronicleTestSupport
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import StorageTestSupport

/// Which store the store-backed tests run on. The API and engine suites are written once
/// and run on each: `scripts/test` runs them on SQLite, then again with
/// `CRONICLE_TEST_STORE=postgres` on the throwaway PostgreSQL cluster it starts, where
/// each monitor gets a new database of its own.
public enum TestStore: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The store of this test process: PostgreSQL when `CRONICLE_TEST_STORE` says
    /// `postgres` (and `CRONICLE_TEST_POSTGRES_URL` names the cluster), else SQLite.
    public static var current: TestStore {
        ProcessInfo.processInfo.environment["CRONICLE_TEST_STORE"] == "postgres" ? .postgres : .sqlite
    }

    /// Whether a test that only SQLite can run (it opens the file through GRDB, or copies
    /// it) runs in this process.
    public static var isSQLite: Bool { current == .sqlite }

    /// Why such a test is skipped on PostgreSQL.
    public static let sqliteOnly = "looks at the SQLite file itself; this run is on PostgreSQL"

    /// A store on a new PostgreSQL database of the test cluster, dropped after `body`,
    /// which is given the store and the database's URL.
    /// At most ``concurrentDatabases`` at once: Swift Testing starts every test of a
    /// suite together, and a hundred monitors' connections would pass the cluster's
    /// `max_connections`.
    public static func withPostgresStore<T: Sendable>(
        clock: any MonitorClock, secrets: (any SecretResolving)?, _ body: (MonitorStore, String) async throws -> T
    ) async throws -> T {
        await databaseSlots.acquire()
        defer { Task { await databaseSlots.release() } }
        return try await TemporaryPostgresDatabase.with { url in
            let store = try await postgresStore(url, connections: 2, clock: clock, secrets: secrets)
            do {
                let result = try await body(store, url.connectionString)
                try store.close()
                return result
            } catch {
                try? store.close()
                throw error
            }
        }
    }

    /// A store of kind `kind` for a test that keeps it in a value (the engine tests'
    /// bench): a SQLite file in `folder`, or a new PostgreSQL database dropped when the
    /// returned lease is released. Answers the store, its `--db` text (path or URL with
    /// password) and the lease.
    public static func makeStore(
        _ kind: TestStore = .current, folder: TemporaryFolder, clock: any MonitorClock,
        secrets: (any SecretResolving)? = nil
    ) async throws -> (store: MonitorStore, database: String, lease: (any Sendable)?) {
        guard kind == .postgres else {
            let path = folder.url("cronicle.db")
            return (try MonitorStore(path: path, clock: clock, secrets: secrets), path, nil)
        }
        let (url, lease) = try await TemporaryPostgresDatabase.create()
        return (
            try await postgresStore(url, connections: 1, clock: clock, secrets: secrets), url.connectionString, lease
        )
    }

    /// A store on the database at `url`, migrated, with `connections` write lanes and as
    /// many read lanes.
    private static func postgresStore(
        _ url: DatabaseURL, connections: Int, clock: any MonitorClock, secrets: (any SecretResolving)?
    ) async throws -> MonitorStore {
        var logger = Logger(label: "cronicle-test")
        logger.logLevel = .warning
        let backend = try await PostgresBackend.open(
            url: url, mode: .create, writeConnections: connections, readConnections: connections, logger: logger)
        return MonitorStore(backend: backend, clock: clock, logger: logger, secrets: secrets)
    }

    /// Monitors on PostgreSQL at once in one test process, each with 4 connections.
    public static let concurrentDatabases = 12

    private static let databaseSlots = Slots(concurrentDatabases)

    /// A counting semaphore for tasks.
    private actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(_ count: Int) { free = count }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
        }
    }
}
