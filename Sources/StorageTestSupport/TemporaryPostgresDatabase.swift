import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres

/// A database of its own for one test, on the throwaway cluster `scripts/test` starts
/// (`scripts/postgres-cluster`), named by `CRONICLE_TEST_POSTGRES_URL`; dropped after.
///
/// ```swift
/// @Test(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
/// func something() async throws {
///     try await TemporaryPostgresDatabase.with { url in ... }
/// }
/// ```
package enum TemporaryPostgresDatabase {
    /// The cluster's URL, from `CRONICLE_TEST_POSTGRES_URL`.
    package static var serverURL: DatabaseURL? {
        ProcessInfo.processInfo.environment["CRONICLE_TEST_POSTGRES_URL"].flatMap { try? DatabaseURL($0) }
    }

    /// The cluster's self-signed certificate (for 127.0.0.1), to trust for `verify-full`,
    /// from `CRONICLE_TEST_POSTGRES_ROOT_CERT`.
    package static var serverCertificate: String? {
        ProcessInfo.processInfo.environment["CRONICLE_TEST_POSTGRES_ROOT_CERT"]
    }

    /// Whether the PostgreSQL tests can run here.
    package static var isAvailable: Bool { serverURL != nil }

    /// Why they are skipped when they cannot.
    package static let unavailable =
        "no PostgreSQL: set CRONICLE_TEST_POSTGRES_URL (scripts/test starts a throwaway cluster with scripts/postgres-cluster)"

    /// Runs `body` with the URL of a new, empty database, dropped afterwards whatever
    /// `body` did.
    package static func with<T: Sendable>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
        let (url, server) = try await createDatabase()
        let name = url.database
        let admin = PostgresLane(url: server, name: "test-database-admin")
        defer { admin.close() }
        do {
            let result = try await body(url)
            try await drop(name, on: admin)
            return result
        } catch {
            try? await drop(name, on: admin)
            throw error
        }
    }

    /// A new, empty database, dropped when the returned lease is released (at the end of a
    /// test that holds it in a value it keeps, where `with` has no scope to wrap).
    package static func create() async throws -> (url: DatabaseURL, lease: Lease) {
        let (url, server) = try await createDatabase()
        return (url, Lease(name: url.database, server: server))
    }

    /// Makes a database of a new name on the cluster; answers its URL and the cluster's.
    private static func createDatabase() async throws -> (url: DatabaseURL, server: DatabaseURL) {
        guard let server = serverURL else { throw MonitorError(.unavailable, unavailable) }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = PostgresLane(url: server, name: "test-database-admin")
        defer { admin.close() }
        try await admin.transaction(.autocommit) { session in try session.execute("CREATE DATABASE \(name)") }
        var url = server
        url.database = String(name)
        return (url, server)
    }

    /// Drops its database when released; what still uses it is cut off.
    package final class Lease: Sendable {
        let name: String
        let server: DatabaseURL

        init(name: String, server: DatabaseURL) {
            self.name = name
            self.server = server
        }

        deinit {
            let (name, server) = (name, server)
            Task.detached {
                let admin = PostgresLane(url: server, name: "test-database-admin")
                defer { admin.close() }
                try? await TemporaryPostgresDatabase.drop(name, on: admin)
            }
        }
    }

    /// Drops the database, its connections with it. An autovacuum worker at work on it
    /// belongs to the superuser, whom the test role cannot stop: tried again after it.
    private static func drop(_ name: String, on admin: PostgresLane) async throws {
        for attempt in 1...20 {
            do {
                try await admin.transaction(.autocommit) { session in
                    try session.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                }
                return
            } catch let error as MonitorError
                where attempt < 20 && error.message.contains("must be a member of the role")
            {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
