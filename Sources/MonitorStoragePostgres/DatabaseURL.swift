import Foundation
import MonitorDomain
import MonitorStorage

/// A PostgreSQL database as `--db` and `CRONICLE_DB` name it,
/// `postgres://user:password@host:port/database?sslmode=require`, with libpq's defaults (port
/// 5432, the database named after the user, `sslmode=prefer`). Narrower than libpq: a host
/// and a user are required, no Unix socket, and only `sslmode`, `sslrootcert`,
/// `application_name` and `connect_timeout` are read from the query (libpq's `host=`, `user=` and `password=` there
/// are refused by name).
///
/// Its ``description`` never holds the password: log and show that, never the text given.
package struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` says it.
    package enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS always, without checking the certificate (as libpq's `require`).
        case require
        /// TLS always, the certificate checked against the trusted roots (`sslrootcert`, else
        /// the system's), not the host name.
        case verifyCA = "verify-ca"
        /// TLS always, the certificate checked against the trusted roots and the host name.
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var sslMode: SSLMode
    /// A PEM file of the certificates to trust for `verify-ca` and `verify-full` (libpq's
    /// `sslrootcert`), for a server whose certificate a private authority signed; the
    /// system's roots when nil.
    package var sslRootCertificate: String?
    /// Shown in `pg_stat_activity`; `cronicle` unless the URL names one.
    package var applicationName: String
    /// How long to wait for a connection to open.
    package var connectTimeout: Duration

    /// The parameters read from the URL's query; any other is refused, so that a misspelt
    /// `sslmode` does not quietly connect without TLS.
    static let parameters = ["sslmode", "sslrootcert", "application_name", "connect_timeout"]

    /// Whether `text` names a PostgreSQL database rather than a file.
    package static func isPostgres(_ text: String) -> Bool {
        let lowered = text.prefix(13).lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Reads `text`; an error says what is wrong with it, without its password.
    package init(_ text: String) throws {
        guard Self.isPostgres(text) else {
            throw MonitorError(
                .invalidRequest,
                "a PostgreSQL database is named postgres://user:password@host:port/database, not \(DatabaseAddress.withoutPassword(text))"
            )
        }
        guard let components = URLComponents(string: text) else {
            throw MonitorError(
                .invalidRequest,
                "\(DatabaseAddress.withoutPassword(text)) is not a URL; write postgres://user:password@host:port/database, "
                    + "with any @, : or / in the password written as %40, %3A or %2F")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw MonitorError(
                .invalidRequest,
                "\(DatabaseAddress.withoutPassword(text)) names no host; write postgres://user:password@host:port/database"
            )
        }
        guard let user = components.user, !user.isEmpty else {
            throw MonitorError(
                .invalidRequest,
                "\(DatabaseAddress.withoutPassword(text)) names no user; write postgres://user:password@\(host)/database"
            )
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else {
            throw MonitorError(
                .invalidRequest, "\(DatabaseAddress.withoutPassword(text)) has port \(port); a port is 1 to 65535")
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? user : path
        sslMode = .prefer
        applicationName = "cronicle"
        connectTimeout = .seconds(10)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw MonitorError(
                        .invalidRequest,
                        "sslmode=\(value) is not one Cronicle knows; write sslmode= one of "
                            + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "sslrootcert":
                guard !value.isEmpty else {
                    throw MonitorError(.invalidRequest, "sslrootcert= needs the path of a PEM file of certificates")
                }
                sslRootCertificate = value
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw MonitorError(
                        .invalidRequest, "connect_timeout=\(value) is not a number of seconds above 0")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw MonitorError(
                    .invalidRequest,
                    "\(item.name) is not a parameter Cronicle reads in a PostgreSQL URL; it reads "
                        + Self.parameters.joined(separator: ", "))
            }
        }
    }

    /// The URL without its password, for logs and messages.
    package var description: String { text(password: password.map { _ in "***" }) }

    /// The URL with its password, to hand to another process of the monitor's own (a
    /// test's second store); never for a log or a message.
    package var connectionString: String { text(password: password) }

    private func text(password: String?) -> String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host.contains(":") ? "[\(host)]" : host
        components.port = port
        components.path = "/" + database
        var query: [URLQueryItem] = []
        if sslMode != .prefer { query.append(URLQueryItem(name: "sslmode", value: sslMode.rawValue)) }
        if let sslRootCertificate { query.append(URLQueryItem(name: "sslrootcert", value: sslRootCertificate)) }
        if !query.isEmpty { components.queryItems = query }
        return components.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// Where the database is, for messages: `host:port/database`.
    package var location: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }
}
