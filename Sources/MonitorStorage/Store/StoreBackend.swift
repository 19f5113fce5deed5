/// Where the store's transactions run: SQLite (``SQLiteBackend``) or PostgreSQL (the
/// `MonitorStoragePostgres` target). The store's rules are written once, over
/// ``SQLSession``; a backend opens the database, runs each transaction on its
/// connections, and turns the storage's own failures (a full disk, a server gone) into
/// ``MonitorError``s with the codes `storage_full` and `storage_unavailable`.
package protocol StoreBackend: Sendable {
    /// The database as messages name it: a file's path, or a server's address without
    /// its password.
    var location: String { get }

    var dialect: SQLDialect { get }

    /// Runs `operation` in a write transaction: committed when it returns, nothing of it
    /// kept when it throws.
    func write<T: Sendable>(lane: WriteLane, _ operation: @escaping @Sendable (any SQLSession) throws -> T)
        async throws -> T

    /// Runs `operation` in a read-only transaction that sees one snapshot.
    func read<T: Sendable>(_ operation: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Closes the connections once what is running has ended; later calls fail.
    func close() throws

    /// This process's name among the nodes sharing the database (`node_leases`), which
    /// its claims carry; nil where one process alone runs the monitor (SQLite).
    var node: String? { get }
}

extension StoreBackend {
    package var node: String? { nil }
}
