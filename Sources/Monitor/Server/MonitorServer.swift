import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `cronicle serve`: the REST API over the store, with every long-running part a
/// `Service` in one `ServiceGroup` that shuts down cleanly on SIGTERM and SIGINT
/// (in-flight requests finish, then the database closes).
public enum MonitorServer {
    /// The HTTP application for `store`; `services` run beside the server and stop with it.
    public static func makeApplication(
        store: MonitorStore, configuration: ServerConfiguration, dashboard: Dashboard? = nil,
        services: [any Service] = [], logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: CronicleRequestContext.self)
        // One line per request at debug level; below that the middleware would only cost time.
        if logger.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
        MonitorAPI(store: store, configuration: configuration).addRoutes(to: router)
        dashboard?.addRoutes(to: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Cronicle"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info(
                    "Cronicle \(CronicleVersion.current) listening on http://\(configuration.host):\(port)",
                    metadata: [
                        "database": "\(store.path)",
                        "api_token": "\(configuration.apiToken == nil ? "not set" : "required for changes")",
                    ])
                await onRunning(port)
            },
            logger: logger)
    }

    /// Opens the database and serves until SIGTERM or SIGINT.
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        try configuration.validate()
        let store = try MonitorStore(path: configuration.databasePath)
        let checkpointer = WALCheckpointer(path: configuration.databasePath, logger: logger)
        let engine = AlertEngine(store: store, logger: logger)
        let events = LiveEvents(store: store)
        let dashboard = try await Dashboard(store: store, events: events)
        let application = makeApplication(
            store: store, configuration: configuration, dashboard: dashboard, services: [checkpointer, engine],
            logger: logger)
        // Services stop in reverse order: the live event streams end first, so open pages
        // do not hold the server's wait for in-flight requests.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application, events], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try store.close()
        logger.info("Cronicle stopped; database closed")
    }
}
