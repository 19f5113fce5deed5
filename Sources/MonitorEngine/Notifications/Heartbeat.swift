import AsyncHTTPClient
import Foundation
import Logging
import MonitorDomain
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Watches the watcher: requests a URL (a Healthchecks check, a Cronicle health-check
/// job of another monitor) at an interval while the alert engine is healthy, so that an
/// outside monitor notices when this one stops or its engine stalls.
public final class Heartbeat: Service {
    private let url: String
    private let interval: Duration
    private let engine: AlertEngine
    private let clock: any MonitorClock
    private let logger: Logger

    /// The engine counts as healthy when its last good evaluation is this recent; it
    /// evaluates at least once a second.
    public static let healthyWithin: TimeInterval = 10

    public init(url: String, interval: Duration, engine: AlertEngine, clock: any MonitorClock, logger: Logger) {
        self.url = url
        self.interval = interval
        self.engine = engine
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.beat(client)
                try? await Task.sleep(for: self.interval)
            }
        }
        try? await client.shutdown()
    }

    private func beat(_ client: HTTPClient) async {
        guard let last = await engine.lastSuccessfulEvaluation,
            clock.now.timeIntervalSince(last) <= Self.healthyWithin
        else {
            logger.warning("heartbeat: withheld, the alert engine has not evaluated in the last 10 s")
            return
        }
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await client.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(Int(response.status.code)) {
                logger.warning("heartbeat: \(url) answered HTTP \(response.status.code)")
            }
        } catch {
            logger.warning("heartbeat: \(url) could not be reached: \(error)")
        }
    }
}
