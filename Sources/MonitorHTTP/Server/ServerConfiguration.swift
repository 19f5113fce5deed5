import Config
import Foundation
import Logging
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Everything `cronicle serve` can be told, with its defaults. The one place that
/// reads `CRONICLE_*` environment variables; command-line flags are applied after.
public struct ServerConfiguration: Sendable, Hashable {
    public var host = "127.0.0.1"
    public var port = 8000
    public var databasePath = "./cronicle.db"
    /// When set, requests that change job configurations or alerts need `Authorization: Bearer <token>`.
    public var apiToken: String?
    /// Listen beyond loopback without a token anyway.
    public var insecure = false
    /// Take the client's address from `X-Forwarded-For` (behind a reverse proxy you run).
    public var trustProxy = false
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 64 * 1024
    /// The body limit of `POST /sync/plan` and `/sync/apply`, which carry every
    /// definition file of a repository (20,000 jobs are about 5 MB).
    public var maxSyncBodyBytes = 64 * 1024 * 1024
    /// swift-log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel = Logger.Level.info
    /// Names besides localhost, IP addresses and `host` that requests may be addressed
    /// to (`Host`), such as the name a reverse proxy forwards; `*` allows any name.
    public var allowedHosts: [String] = []
    /// Connections open at once; more are answered 503 and closed.
    public var maxConnections = 4096
    /// Live event streams (`GET /events`, one per open dashboard page) at once.
    public var maxEventStreams = 256
    /// How long a connection may stay open without a complete request head: a new one,
    /// one between requests, or one whose head arrives byte by byte.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a request's body may take to arrive once its head is in.
    public var bodyTimeout: Duration = .seconds(60)
    /// How long SIGTERM waits for requests in flight before closing what is left.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Where people reach the dashboard, for the links in notifications; by default the
    /// address the server listens on.
    public var publicURL: String?
    /// Requested at ``heartbeatInterval`` while the alert engine is healthy.
    public var heartbeatURL: String?
    public var heartbeatInterval: Duration = .seconds(60)
    /// How many bytes of a ping's body become the run's output (DESIGN.md §10.1); the
    /// rest is read and dropped, never refused.
    public var pingBodyLimit = 100_000
    /// The key of the slug form of ping URLs, `/ping/{key}/{job_id}`; without one, only
    /// `/ping/{uuid}` URLs work.
    public var pingKey: String?
    /// How long finished runs and resolved alerts are kept (`--keep-runs`, `--keep-alerts`);
    /// by default, forever.
    public var retention = RetentionPolicy()

    /// ``publicURL``, or the listen address (with the port the server got when it asked for 0).
    public func dashboardURL(port: Int? = nil) -> String {
        if let publicURL { return publicURL }
        let name = host.contains(":") ? "[\(host)]" : host == "0.0.0.0" ? "127.0.0.1" : host
        return "http://\(name):\(port ?? self.port)"
    }

    public init() {}

    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Reads `CRONICLE_HOST`, `CRONICLE_PORT`, `CRONICLE_DB`, `CRONICLE_API_TOKEN`,
    /// `CRONICLE_INSECURE`, `CRONICLE_TRUST_PROXY`, `CRONICLE_MAX_BODY`, `CRONICLE_LOG_LEVEL`,
    /// `CRONICLE_ALLOWED_HOSTS` (names separated by commas), `CRONICLE_MAX_CONNECTIONS`,
    /// `CRONICLE_PUBLIC_URL`, `CRONICLE_HEARTBEAT_URL`, `CRONICLE_PING_KEY`, `CRONICLE_PING_BODY_LIMIT`,
    /// `CRONICLE_KEEP_RUNS`, `CRONICLE_KEEP_ALERTS`.
    public mutating func apply(environment: [String: String]) throws(Problem) {
        func flag(_ name: String) throws(Problem) -> Bool? {
            guard let value = environment[name] else { return nil }
            switch value.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no", "": return false
            default: throw Problem(description: "\(name) must be true or false, found '\(value)'")
            }
        }
        if let host = environment["CRONICLE_HOST"] { self.host = host }
        if let port = environment["CRONICLE_PORT"] {
            guard let value = Int(port) else {
                throw Problem(description: "CRONICLE_PORT must be a number, found '\(port)'")
            }
            self.port = value
        }
        if let path = environment["CRONICLE_DB"] { databasePath = path }
        if let token = environment["CRONICLE_API_TOKEN"] { apiToken = token }
        if let insecure = try flag("CRONICLE_INSECURE") { self.insecure = insecure }
        if let trust = try flag("CRONICLE_TRUST_PROXY") { trustProxy = trust }
        if let limit = environment["CRONICLE_MAX_BODY"] {
            guard let value = Int(limit) else {
                throw Problem(description: "CRONICLE_MAX_BODY must be a number of bytes, found '\(limit)'")
            }
            maxBodyBytes = value
        }
        if let text = environment["CRONICLE_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: text) else {
                throw Problem(
                    description: "CRONICLE_LOG_LEVEL must be one of "
                        + "\(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
            }
            logLevel = level
        }
        if let names = environment["CRONICLE_ALLOWED_HOSTS"] {
            allowedHosts = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }
        if let url = environment["CRONICLE_PUBLIC_URL"] { publicURL = url }
        if let url = environment["CRONICLE_HEARTBEAT_URL"] { heartbeatURL = url }
        if let key = environment["CRONICLE_PING_KEY"] { pingKey = key }
        if let limit = environment["CRONICLE_PING_BODY_LIMIT"] {
            guard let value = Int(limit) else {
                throw Problem(description: "CRONICLE_PING_BODY_LIMIT must be a number of bytes, found '\(limit)'")
            }
            pingBodyLimit = value
        }
        if let limit = environment["CRONICLE_MAX_CONNECTIONS"] {
            guard let value = Int(limit) else {
                throw Problem(description: "CRONICLE_MAX_CONNECTIONS must be a number, found '\(limit)'")
            }
            maxConnections = value
        }
        if let text = environment["CRONICLE_KEEP_RUNS"] { try setKeepRuns(text, name: "CRONICLE_KEEP_RUNS") }
        if let text = environment["CRONICLE_KEEP_ALERTS"] { try setKeepAlerts(text, name: "CRONICLE_KEEP_ALERTS") }
    }

    /// `--keep-runs`: finished runs older than this go (see ``RetentionPolicy``).
    public mutating func setKeepRuns(_ text: String, name: String = "--keep-runs") throws(Problem) {
        retention.keepRuns = try Self.retentionPeriod(text, name: name, what: "runs")
    }

    /// `--keep-alerts`: alerts resolved longer ago than this go.
    public mutating func setKeepAlerts(_ text: String, name: String = "--keep-alerts") throws(Problem) {
        retention.keepAlerts = try Self.retentionPeriod(text, name: name, what: "resolved alerts")
    }

    /// A retention period: a duration with a unit, at least ``RetentionPolicy/shortest``.
    private static func retentionPeriod(_ text: String, name: String, what: String) throws(Problem) -> TimeInterval {
        let usage =
            "\(name) takes how long to keep \(what), at least 1d, such as 90d or 180d; leave it out to keep them all"
        guard let period = try? JobDuration(parsing: text), TimeInterval(period.seconds) >= RetentionPolicy.shortest
        else {
            throw Problem(description: "\(usage); found '\(text)'")
        }
        return TimeInterval(period.seconds)
    }

    /// `--shutdown-grace`: a duration with a unit, as in job definitions (`10s`, `1m`).
    public mutating func setShutdownGrace(_ text: String) throws(Problem) {
        guard let grace = try? JobDuration(parsing: text), grace.seconds <= 3600 else {
            throw Problem(description: "--shutdown-grace takes a duration up to 1h such as 10s or 2m, found '\(text)'")
        }
        shutdownGracePeriod = .seconds(grace.seconds)
    }

    /// `--heartbeat-interval`: a duration with a unit, from 1s to 1h.
    public mutating func setHeartbeatInterval(_ text: String) throws(Problem) {
        guard let every = try? JobDuration(parsing: text), every.seconds >= 1, every.seconds <= 3600 else {
            throw Problem(
                description: "--heartbeat-interval takes a duration from 1s to 1h such as 60s, found '\(text)'")
        }
        heartbeatInterval = .seconds(every.seconds)
    }

    public var listensOnLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Refuses settings that cannot work or that would expose an unprotected API.
    public func validate() throws(Problem) {
        guard (0...65_535).contains(port) else { throw Problem(description: "port \(port) is not 0-65535") }
        guard maxBodyBytes >= 1024 else { throw Problem(description: "the body limit must be at least 1024 bytes") }
        if let apiToken, apiToken.trimmingCharacters(in: .whitespaces).isEmpty {
            throw Problem(
                description: "the API token is empty: give a long random value (openssl rand -hex 32), "
                    + "or leave --api-token and CRONICLE_API_TOKEN unset")
        }
        guard (0...10_000_000).contains(pingBodyLimit) else {
            throw Problem(
                description: "the ping body limit must be from 0 to 10000000 bytes (10 MB), found \(pingBodyLimit)")
        }
        if let pingKey {
            let allowed = pingKey.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
            guard pingKey.count >= 16, allowed else {
                throw Problem(
                    description: "the ping key must be at least 16 letters, digits, '-' or '_' (it is part of ping "
                        + "URLs and lets anyone who has it report runs): generate one with openssl rand -hex 16")
            }
        }
        guard maxConnections >= 1 else { throw Problem(description: "the connection limit must be at least 1") }
        for name in allowedHosts where name.isEmpty || name.contains(where: { $0 == "/" || $0 == ":" || $0 == " " }) {
            throw Problem(
                description: "--allowed-host takes a host name such as monitor.example.com (no scheme, port or "
                    + "path), found '\(name)'")
        }
        if let publicURL, WebURL.parse(publicURL) == nil {
            throw Problem(
                description: "--public-url takes the dashboard's address such as https://cronicle.example.com, "
                    + "found '\(publicURL)'")
        }
        if let heartbeatURL, WebURL.parse(heartbeatURL) == nil {
            throw Problem(
                description: "--heartbeat-url takes an http or https URL such as https://hc-ping.com/UUID, "
                    + "found '\(heartbeatURL)'")
        }
        if apiToken == nil && !listensOnLoopbackOnly && !insecure {
            throw Problem(
                description: "refusing to listen on \(host) without an API token: anyone who can reach it could change "
                    + "or delete jobs. Set --api-token (or CRONICLE_API_TOKEN), listen on 127.0.0.1, or pass --insecure"
            )
        }
    }
}
