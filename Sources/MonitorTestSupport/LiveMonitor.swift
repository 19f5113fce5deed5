import Config
import CronicleTestSupport
import Foundation
import Hummingbird
import Logging
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorStoragePostgres
import ServiceLifecycle
import Synchronization

/// A real monitor for tests: the Hummingbird server on a free loopback port, over a
/// SQLite file in a temporary folder, driven by a ``ManualClock``, and a plain HTTP
/// client. Requests go over a real socket, as `curl` would send them.
///
/// ```swift
/// try await LiveMonitor.with { monitor in
///     let response = try await monitor.request("POST", "/jobs", json: ["job_id": "a", "schedule": "@daily"])
///     #expect(response.status == 201)
/// }
/// ```
public final class LiveMonitor: Sendable {
    public let store: MonitorStore
    public let clock: ManualClock
    public let port: Int
    public let folder: TemporaryFolder
    /// The alert engine over the same store, not running on its own: a test moves the
    /// clock and calls ``AlertEngine/evaluate()``, so no test waits for a deadline.
    public let engine: AlertEngine
    /// The live event streams the dashboard serves.
    public let events: LiveEvents
    /// The notification sender over the same store, not running on its own: a test
    /// calls ``NotificationSender/sendDue()`` after an alert, and again after moving the
    /// clock past a retry.
    public let sender: NotificationSender
    /// The counters the server's `GET /metrics` exports, shared with ``engine`` and ``sender``.
    public let metrics: MonitorMetrics
    /// The store as `--db` names it: the SQLite file's path, or the PostgreSQL URL with
    /// its password (``anotherStore()``).
    public let database: String

    init(
        store: MonitorStore, database: String, clock: ManualClock, port: Int, folder: TemporaryFolder,
        engine: AlertEngine, events: LiveEvents, sender: NotificationSender, metrics: MonitorMetrics
    ) {
        self.database = database
        self.metrics = metrics
        self.events = events
        self.sender = sender
        self.store = store
        self.clock = clock
        self.port = port
        self.folder = folder
        self.engine = engine
    }

    public typealias Response = MonitorResponse

    public struct LiveMonitorError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts a monitor, runs `body` against it, and shuts it down cleanly. The store is
    /// `store`'s kind (``TestStore/current`` unless a test needs one); a `databasePath`
    /// makes it that SQLite file, which a test opens again to see what a restart keeps.
    public static func with<T: Sendable>(
        configuration: ServerConfiguration = ServerConfiguration(),
        clock: ManualClock = ManualClock("2026-11-28T06:00:00Z"),
        databasePath: String? = nil, store kind: TestStore = .current, secrets: (any SecretResolving)? = nil,
        _ body: @Sendable (LiveMonitor) async throws -> T
    ) async throws -> T {
        let folder = try TemporaryFolder()
        if databasePath == nil, kind == .postgres {
            return try await TestStore.withPostgresStore(clock: clock, secrets: secrets) { store, url in
                try await run(
                    store: store, database: url, folder: folder, configuration: configuration, secrets: secrets, body)
            }
        }
        let path = databasePath ?? folder.url("cronicle.db")
        let store = try MonitorStore(path: path, clock: clock, secrets: secrets)
        return try await run(
            store: store, database: path, folder: folder, configuration: configuration, secrets: secrets, body)
    }

    /// Serves `store` for `body`, then shuts the server down.
    private static func run<T: Sendable>(
        store: MonitorStore, database: String, folder: TemporaryFolder, configuration: ServerConfiguration,
        secrets: (any SecretResolving)?, _ body: @Sendable (LiveMonitor) async throws -> T
    ) async throws -> T {
        guard let clock = store.clock as? ManualClock else {
            throw LiveMonitorError("a live monitor's store runs on a manual clock")
        }
        var configuration = configuration
        configuration.port = 0
        let metrics = MonitorMetrics()
        let engine = AlertEngine(store: store, metrics: metrics)
        let portBox = Mutex<Int?>(nil)
        var logger = Logger(label: "cronicle-test")
        logger.logLevel = .warning
        let events = LiveEvents(
            store: store, keepAlive: .milliseconds(200), streamLimit: configuration.maxEventStreams)
        let dashboard = try await Dashboard(store: store, events: events)
        let application = MonitorServer.makeApplication(
            store: store, configuration: configuration, dashboard: dashboard, metrics: metrics, logger: logger,
            onRunning: { port in portBox.withLock { $0 = port } })
        let group = ServiceGroup(services: [application, events], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port: Int?
            for _ in 0..<500 where port == nil {
                port = portBox.withLock { $0 }
                if port == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            guard let port else { throw LiveMonitorError("the server did not start") }
            let sender = NotificationSender(
                store: store, secrets: secrets ?? ProcessSecrets(environment: [:]),
                publicURL: "http://127.0.0.1:\(port)", logger: logger, metrics: metrics)
            let monitor = LiveMonitor(
                store: store, database: database, clock: clock, port: port, folder: folder, engine: engine,
                events: events, sender: sender,
                metrics: metrics)
            do {
                let result = try await body(monitor)
                await sender.shutdown()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await sender.shutdown()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// A second store on the same database, as another process of the monitor's
    /// (`cronicle keys --db`, `cronicle-sync apply --db`) would open it; the caller closes it.
    public func anotherStore() async throws -> MonitorStore {
        try await StoreOpener.open(database, mode: .existing, clock: clock)
    }

    /// Sends one request and checks the answer against the server's OpenAPI document
    /// (``OpenAPIContract``). `json` is serialised as the body; `body` is sent as is.
    public func request(
        _ method: String, _ path: String, json: JSONValue? = nil, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Response {
        try await ContractClient(port: port).request(method, path, json: json, body: body, headers: headers)
    }
}
