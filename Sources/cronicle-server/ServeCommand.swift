import ArgumentParser
import CronicleLogging
import Foundation
import Logging
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage

/// `cronicle serve`: flags override `CRONICLE_*` environment variables, which override defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the monitor: REST API and alerting over one SQLite file.",
        discussion: """
            Every option can also be set in the environment: CRONICLE_HOST, CRONICLE_PORT, CRONICLE_DB,
            CRONICLE_API_TOKEN, CRONICLE_INSECURE, CRONICLE_TRUST_PROXY, CRONICLE_MAX_BODY, CRONICLE_LOG_LEVEL,
            CRONICLE_ALLOWED_HOSTS (names separated by commas), CRONICLE_MAX_CONNECTIONS, CRONICLE_PUBLIC_URL,
            CRONICLE_HEARTBEAT_URL, CRONICLE_PING_KEY, CRONICLE_PING_BODY_LIMIT, CRONICLE_KEEP_RUNS,
            CRONICLE_KEEP_ALERTS.
            With --keep-runs or --keep-alerts, old rows are removed at start-up and then daily, in small batches \
            beside the pings; a job's last run, open runs and runs an alert names are always kept \
            (docs/operations.md).
            Notification channels resolve their ${env:NAME} and ${file:/path} references in this process.
            """)

    @Option(help: "Address to listen on. Default: 127.0.0.1")
    var host: String?

    @Option(help: "Port to listen on. Default: 8000")
    var port: Int?

    @Option(
        help: ArgumentHelp(
            "SQLite database file (created if missing), or a postgres://user:password@host/db URL. "
                + "Default: ./cronicle.db"))
    var db: String?

    @Option(help: "Require 'Authorization: Bearer TOKEN' on requests that change jobs or alerts.")
    var apiToken: String?

    @Flag(help: "Allow listening beyond loopback without an API token.")
    var insecure = false

    @Flag(help: "Take client addresses from X-Forwarded-For (only behind a proxy you run).")
    var trustProxy = false

    @Option(help: "Largest request body in bytes. Default: 65536")
    var maxBody: Int?

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "A name requests may be addressed to besides localhost and IP addresses, such as the name a reverse "
                + "proxy forwards; repeatable, '*' for any. Other names are refused (DNS rebinding).",
            valueName: "name"))
    var allowedHosts: [String] = []

    @Option(help: "Connections open at once; more are answered 503. Default: 4096")
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "How long SIGTERM waits for requests in flight before closing the rest, e.g. 10s or 1m. Default: 10s",
            valueName: "duration"))
    var shutdownGrace: String?

    @Option(
        help: ArgumentHelp(
            "The dashboard's address as people reach it, for links in notifications. Default: the listen address",
            valueName: "url"))
    var publicURL: String?

    @Option(
        help: ArgumentHelp(
            "A URL to request while the alert engine is healthy, so an outside monitor notices when this one stops",
            valueName: "url"))
    var heartbeatURL: String?

    @Option(help: ArgumentHelp("How often to request --heartbeat-url. Default: 60s", valueName: "duration"))
    var heartbeatInterval: String?

    @Option(
        help: ArgumentHelp(
            "The key of ping URLs in the slug form /ping/KEY/JOB_ID (at least 16 characters). Default: none, only "
                + "/ping/UUID URLs", valueName: "key"))
    var pingKey: String?

    @Option(
        help: ArgumentHelp(
            "How many bytes of a ping's body are kept as the run's output; longer bodies are cut, never refused. "
                + "Default: 100000", valueName: "bytes"))
    var pingBodyLimit: Int?

    @Option(
        help: ArgumentHelp(
            "Remove finished runs (and their output) older than this, such as 90d; at least 1d. Default: keep all",
            valueName: "duration"))
    var keepRuns: String?

    @Option(
        help: ArgumentHelp(
            "Remove alerts resolved longer ago than this, with their sent notifications, such as 180d; at least 1d. "
                + "Default: keep all", valueName: "duration"))
    var keepAlerts: String?

    @Option(help: "Log level. Default: info (or CRONICLE_LOG_LEVEL)")
    var logLevel: Logger.Level?

    func run() async throws {
        var settings = ServerConfiguration()
        do {
            try settings.apply(environment: ProcessInfo.processInfo.environment)
            if let host { settings.host = host }
            if let port { settings.port = port }
            if let db { settings.databasePath = db }
            if let apiToken { settings.apiToken = apiToken }
            if insecure { settings.insecure = true }
            if trustProxy { settings.trustProxy = true }
            if let maxBody { settings.maxBodyBytes = maxBody }
            if let logLevel { settings.logLevel = logLevel }
            if !allowedHosts.isEmpty { settings.allowedHosts = allowedHosts }
            if let maxConnections { settings.maxConnections = maxConnections }
            if let shutdownGrace { try settings.setShutdownGrace(shutdownGrace) }
            if let publicURL { settings.publicURL = publicURL }
            if let heartbeatURL { settings.heartbeatURL = heartbeatURL }
            if let heartbeatInterval { try settings.setHeartbeatInterval(heartbeatInterval) }
            if let pingKey { settings.pingKey = pingKey }
            if let pingBodyLimit { settings.pingBodyLimit = pingBodyLimit }
            if let keepRuns { try settings.setKeepRuns(keepRuns) }
            if let keepAlerts { try settings.setKeepAlerts(keepAlerts) }
            try settings.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in LogLineHandler(label: label, level: level) }
        try await MonitorServer.run(configuration: settings, logger: Logger(label: "cronicle"))
    }
}
