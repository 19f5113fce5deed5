import Config
import CronicleBuildInfo
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorStoragePostgres
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `cronicle serve`: the REST API over the store, with every long-running part a
/// `Service` in one `ServiceGroup` that shuts down cleanly on SIGTERM and SIGINT
/// (in-flight requests finish, then the database closes).
public enum MonitorServer {
    /// The HTTP application for `store`; `services` run beside the server and stop with it.
    public static func makeApplication(
        store: any MonitorStoring, configuration: ServerConfiguration, dashboard: Dashboard? = nil,
        services: [any Service] = [], metrics: MonitorMetrics = MonitorMetrics(), logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: CronicleRequestContext.self)
        // One line per request at debug level; below that the middleware would only cost time.
        if logger.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
        let api = MonitorAPI(store: store, configuration: configuration, metrics: metrics)
        api.addRoutes(to: router)
        dashboard?.addRoutes(to: router, access: api.access)
        api.routes.fill(from: router)
        let connections = ConnectionLimitHandler.Counter(limit: configuration.maxConnections)
        let bodyTimeout = TimeAmount(configuration.bodyTimeout)
        return Application(
            router: router,
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [
                        ConnectionLimitHandler(counter: connections), BodyDeadlineHandler(timeout: bodyTimeout),
                        MalformedRequestHandler(),
                    ],
                    idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Cronicle",
                // Past the limit connections are still accepted, to be told 503; this ceiling keeps
                // even those from running the process out of file descriptors.
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections + 256)),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info(
                    "Cronicle \(CronicleVersion.current) listening on http://\(configuration.host):\(port)",
                    metadata: [
                        "database": "\(store.location)",
                        "api_token": "\(configuration.apiToken == nil ? "not set" : "required for changes")",
                    ])
                await onRunning(port)
            },
            logger: logger)
    }

    /// Opens the database and serves until SIGTERM or SIGINT.
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        try configuration.validate()
        FileDescriptorLimit.raiseToHardLimit(logger: logger)
        let store = try await StoreOpener.openWritable(
            configuration.databasePath, logger: logger, secrets: ProcessSecrets())
        // SQLite's write-ahead log is copied into the file ahead of the writer; PostgreSQL
        // checkpoints by itself.
        let shared = StoreOpener.isServer(configuration.databasePath)
        let checkpointer: [any Service] =
            shared ? [] : [WALCheckpointer(path: configuration.databasePath, logger: logger)]
        // Other nodes may share a PostgreSQL database: this one's lease and its events.
        let cluster = try await StoreOpener.clusterServices(for: store, logger: logger)
        // Shared by the API, the engine and the sender: `GET /metrics` exports what each counts.
        let metrics = MonitorMetrics()
        let engine = AlertEngine(store: store, logger: logger, metrics: metrics)
        // With other nodes, deliveries a dead node held are free 2 s after its last renewal:
        // looked for every second.
        let sender = NotificationSender(
            store: store, secrets: ProcessSecrets(), publicURL: configuration.dashboardURL(),
            pollInterval: shared ? .seconds(1) : .seconds(5), logger: logger, metrics: metrics)
        let events = LiveEvents(store: store, streamLimit: configuration.maxEventStreams)
        let dashboard = try await Dashboard(store: store, events: events, publicURL: configuration.publicURL)
        let application = makeApplication(
            store: store, configuration: configuration, dashboard: dashboard,
            services: checkpointer + cluster + [engine, sender, AlertChangeLog(store: store, logger: logger)]
                + (configuration.retention.isActive
                    ? [RetentionService(store: store, policy: configuration.retention, logger: logger)] : [])
                + (configuration.heartbeatURL.map { url -> [any Service] in
                    [
                        Heartbeat(
                            url: url, interval: configuration.heartbeatInterval, engine: engine, clock: store.clock,
                            logger: logger)
                    ]
                } ?? []),
            metrics: metrics, logger: logger)
        // Services stop in reverse order: the live event streams end first, so open pages
        // do not hold the server's wait for in-flight requests.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [application, events], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // After the grace period the group cancels what is left: requests still waiting on
        // a client end, and the process exits whatever clients do.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        try store.close()
        logger.info("Cronicle stopped; database closed")
    }
}
