import AsyncHTTPClient
import Config
import CronicleBuildInfo
import CronicleLogging
import Foundation
import Logging
import MonitorDomain
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers the outbox: at least once, in order per channel and alert, never a storm.
///
/// Wakes when an alert change commits deliveries (the store's events) and when the next
/// retry is due. A 2xx answer is delivered; connection errors, timeouts, 408, 425, 429
/// and 5xx are retried with exponential backoff and jitter (from 1 s, capped at 5 min,
/// or the receiver's `Retry-After` when longer) until 24 hours after the event; any
/// other answer fails at once. After a crash, what was not marked delivered is sent
/// again with the same delivery id. Chat channels send their first event at once and
/// then hold the events that come within `group_interval`, which go out as one message.
public actor NotificationSender: Service {
    private let store: any MonitorStoring
    private let secrets: any SecretResolving
    private let publicURL: String
    private let logger: Logger
    private let metrics: MonitorMetrics
    private let client: HTTPClient
    private let smtp = SMTPClient()
    private let wake = WakeSignal()
    private let pollInterval: Duration
    /// Until when each chat channel holds what follows its last message (`group_interval`).
    private var heldUntil: [String: Date] = [:]
    /// When reminders were last looked for; they are looked for every few seconds.
    private var lastReminderCheck: Date?
    static let reminderCheckInterval: TimeInterval = 5
    /// Most deliveries read per pass.
    private let batchSize = 5_000

    public static let longestBackoff: TimeInterval = 300
    /// A chat channel's `group_interval` when it sets none.
    public static let defaultGroupInterval: TimeInterval = 30

    /// `publicURL` is where the dashboard is reached (links in messages): `--public-url`.
    /// `metrics` counts each attempt's result, for `GET /metrics`.
    public init(
        store: any MonitorStoring, secrets: any SecretResolving, publicURL: String,
        pollInterval: Duration = .seconds(5), logger: Logger = Logger(label: "cronicle"),
        metrics: MonitorMetrics = MonitorMetrics()
    ) {
        self.store = store
        self.metrics = metrics
        self.secrets = secrets
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.pollInterval = pollInterval
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        // A receiver's redirect is not followed: the URL under review is the one called.
        configuration.redirectConfiguration = .disallow
        // As many connections to one receiver as requests a channel has in flight.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.requestsInFlight
        // A refused connection is an answer: retried by the outbox's backoff, not by
        // reconnecting for the whole connect timeout while other deliveries wait.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let wake = wake
        store.events.subscribe { event in
            switch event {
            // A node that left leaves its claimed deliveries to the others.
            case .alertsChanged, .deliveriesQueued, .clusterChanged: wake.signal()
            default: break
            }
        }
    }

    public func run() async throws {
        let failures = ThrottledLog(logger: logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await self.sendDue()
                    failures.clear("notifications: sending again")
                } catch {
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                    failures.log("notifications: \(error); trying again")
                }
                await self.sleepUntilNextAttempt()
            }
        }
        await shutdown()
    }

    /// Closes the HTTP client's connections; ``run()`` does it as it ends. A sender that
    /// never ran (tests call ``sendDue()``) must be shut down by its owner.
    public func shutdown() async {
        try? await client.shutdown()
    }

    private func sleepUntilNextAttempt() async {
        var timeout = pollInterval
        if let next = try? await store.nextDeliveryAttempt() {
            let seconds = max(0.01, next.timeIntervalSince(store.clock.now))
            timeout = min(timeout, .milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
        await wake.wait(timeout: timeout)
    }

    /// Sends every delivery that is due now, channels side by side and each channel's in
    /// order; returns how many deliveries were attempted. Tests call it after moving
    /// their clock.
    @discardableResult
    public func sendDue() async throws -> Int {
        let now = store.clock.now
        if lastReminderCheck.map({ now.timeIntervalSince($0) >= Self.reminderCheckInterval }) ?? true {
            lastReminderCheck = now
            _ = try await store.enqueueReminders(at: now)
            _ = try await store.releaseSilencedAlerts(at: now)
        }
        // Chat channels holding their next message for group_interval are left out, so
        // their waiting deliveries do not fill every pass.
        let held = Set(heldUntil.filter { now < $0.value }.keys)
        let due = try await store.dueDeliveries(at: now, limit: batchSize, excluding: held)
        guard !due.isEmpty else { return 0 }
        var channels: [String: ChannelDefinition] = [:]
        for channel in try await store.channels() { channels[channel.name] = channel.definition }
        var byChannel: [String: [Delivery]] = [:]
        for delivery in due { byChannel[delivery.channel, default: []].append(delivery) }
        var outcomes: [(id: Int64, outcome: DeliveryOutcome)] = []
        var sendable: [(ChannelDefinition, [Delivery])] = []
        for (name, deliveries) in byChannel.sorted(by: { $0.key < $1.key }) {
            guard let channel = channels[name] else {
                outcomes += deliveries.map {
                    ($0.id, .failed(statusCode: nil, error: "channel '\(name)' was removed before delivery"))
                }
                continue
            }
            if channel.groups {
                let interval = channel.groupInterval.map { TimeInterval($0.seconds) } ?? Self.defaultGroupInterval
                heldUntil[name] = now.addingTimeInterval(interval)
            }
            sendable.append((channel, deliveries))
        }
        outcomes += await withTaskGroup(of: [(id: Int64, outcome: DeliveryOutcome)].self) { group in
            for (channel, deliveries) in sendable {
                group.addTask { await self.send(deliveries, to: channel, now: now) }
            }
            var all: [(id: Int64, outcome: DeliveryOutcome)] = []
            for await results in group { all += results }
            return all
        }
        try await store.recordAttempts(outcomes)
        let channelOf = Dictionary(due.map { ($0.id, $0.channel) }, uniquingKeysWith: { first, _ in first })
        for (id, outcome) in outcomes {
            metrics.deliveryAttempted(channel: channelOf[id] ?? "", MonitorMetrics.DeliveryResult(outcome))
        }
        return sendable.reduce(0) { $0 + $1.1.count }
    }

    /// One channel's due deliveries: one message for a grouping channel, else one
    /// request each, different alerts side by side (the due list holds one per alert).
    private func send(_ deliveries: [Delivery], to channel: ChannelDefinition, now: Date) async -> [(
        id: Int64, outcome: DeliveryOutcome
    )] {
        if channel.groups {
            var facts: [NotificationFacts] = []
            for delivery in deliveries { facts.append(await self.facts(delivery, channel)) }
            let outcome = await attempt(facts, channel: channel, now: now)
            return deliveries.map { ($0.id, outcome) }
        }
        // The first goes alone: when the receiver is down, the rest wait for their next
        // try without being sent, so a channel that is down costs one request a pass.
        let first = deliveries[0]
        let probe = await attempt([await facts(first, channel)], channel: channel, now: now)
        if case .retry(let retryAt, let code, let error) = probe {
            // Every other due delivery of the channel waits with the probe, in one
            // statement: the queue moves as one, a pass per backoff step, however long.
            do {
                try await store.postponeDeliveries(
                    channel: channel.name, dueBy: now, except: first.id, until: retryAt, statusCode: code,
                    error: "\(error) (not tried: the receiver had just failed)")
            } catch {
                logger.warning("notifications: could not put off the deliveries of \(channel.name): \(error)")
            }
            return [(first.id, probe)]
        }
        let rest = Array(deliveries.dropFirst())
        // The due list holds at most one delivery per alert (the first of its line), so
        // they may go side by side; a few at a time, not to flood the receiver.
        let others = await withTaskGroup(of: (id: Int64, outcome: DeliveryOutcome).self) { group in
            var outcomes: [(id: Int64, outcome: DeliveryOutcome)] = []
            var next = rest.makeIterator()
            func start(_ delivery: Delivery) {
                group.addTask {
                    let facts = await self.facts(delivery, channel)
                    return (delivery.id, await self.attempt([facts], channel: channel, now: now))
                }
            }
            for _ in 0..<Self.requestsInFlight {
                guard let delivery = next.next() else { break }
                start(delivery)
            }
            while let result = await group.next() {
                outcomes.append(result)
                if let delivery = next.next() { start(delivery) }
            }
            return outcomes
        }
        return [(first.id, probe)] + others
    }

    /// Requests one channel has in flight at once.
    static let requestsInFlight = 32

    private func facts(_ delivery: Delivery, _ channel: ChannelDefinition) async -> NotificationFacts {
        // Read as they are now; a fact that cannot be read leaves its part of the message out.
        var alert: JobAlert?
        if let id = delivery.alertID { alert = (try? await store.alert(id)) ?? nil }
        let jobID = delivery.jobID ?? alert?.jobID
        var job: Job?
        if let jobID { job = (try? await store.job(jobID)) ?? nil }
        var run: JobRun?
        if let runID = alert?.lastRunID ?? alert?.runID { run = (try? await store.run(runID)) ?? nil }
        let link =
            jobID.map {
                "\(publicURL)/ui/jobs/\($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0)"
            }
            ?? "\(publicURL)/"
        var facts = NotificationFacts(
            delivery: delivery, channel: channel, alert: alert, job: job, run: run, link: link)
        if let syncID = delivery.syncID {
            facts.sync = (try? await store.syncRecord(id: syncID)) ?? nil
            facts.link = "\(publicURL)/ui/sync"
        }
        if let failing = alert?.channel {
            let name = failing.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? failing
            facts.link = "\(publicURL)/ui/notifications?channel=\(name)"
            let latest = try? await store.deliveries(DeliveryQuery(channel: failing, page: PageRequest(perPage: 1)))
            facts.channelError = latest?.items.first?.lastError
        }
        return facts
    }

    /// One request, and what it came to.
    private func attempt(_ facts: [NotificationFacts], channel: ChannelDefinition, now: Date) async -> DeliveryOutcome {
        let first = facts[0].delivery
        if channel.kind == .email { return await attemptEmail(facts, channel: channel, now: now) }
        let request: OutgoingRequest
        do {
            request = try ChannelRequests.request(for: facts, channel: channel, now: now) { text in
                try text.resolved { try self.secrets.value(of: $0) }
            }
        } catch {
            return retryOrFail(first, now: now, statusCode: nil, error: "\(error)", retryAfter: nil)
        }
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.headers.replaceOrAdd(name: "User-Agent", value: "Cronicle/\(CronicleVersion.current)")
        http.body = .bytes(ByteBuffer(string: request.body))
        do {
            let response = try await client.execute(http, timeout: .seconds(15))
            // Read (and drop) the answer, so the connection can be used again.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return delivered(facts, channel: channel, statusCode: code) }
            let retryable = code == 408 || code == 425 || code == 429 || code >= 500
            let error = "the receiver answered HTTP \(code)"
            guard retryable else { return refused(channel: channel, statusCode: code, error: error) }
            return retryOrFail(
                first, now: now, statusCode: code, error: error,
                retryAfter: response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: now) })
        } catch {
            return retryOrFail(first, now: now, statusCode: nil, error: Self.describe(error), retryAfter: nil)
        }
    }

    /// One message through the channel's SMTP server. A 5xx reply fails at once; a 4xx
    /// reply, a connection or TLS error is tried again like an HTTP 5xx.
    private func attemptEmail(_ facts: [NotificationFacts], channel: ChannelDefinition, now: Date) async
        -> DeliveryOutcome
    {
        let first = facts[0].delivery
        do {
            let (message, settings) = try ChannelRequests.email(for: facts, channel: channel, now: now) { text in
                try text.resolved { try self.secrets.value(of: $0) }
            }
            return delivered(facts, channel: channel, statusCode: try await smtp.send(message, with: settings))
        } catch let error as SMTPError where error.isPermanent {
            return refused(channel: channel, statusCode: error.replyCode, error: error.message)
        } catch let error as SMTPError {
            return retryOrFail(first, now: now, statusCode: error.replyCode, error: error.message, retryAfter: nil)
        } catch {
            return retryOrFail(first, now: now, statusCode: nil, error: "\(error)", retryAfter: nil)
        }
    }

    /// Logs a delivery, naming its events and jobs.
    private func delivered(_ facts: [NotificationFacts], channel: ChannelDefinition, statusCode: Int)
        -> DeliveryOutcome
    {
        let events = facts.map { "\($0.delivery.event.rawValue) job=\($0.jobID)" }.joined(separator: ", ")
        logger.info("notification delivered", metadata: ["channel": "\(channel.name)", "events": "\(events)"])
        return .delivered(statusCode: statusCode)
    }

    /// Logs an answer that retrying would not change.
    private func refused(channel: ChannelDefinition, statusCode: Int?, error: String) -> DeliveryOutcome {
        logger.warning(
            "notification refused for good", metadata: ["channel": "\(channel.name)", "status": "\(statusCode ?? 0)"])
        return .failed(statusCode: statusCode, error: error)
    }

    /// The next try, with exponential backoff and jitter, or failure once 24 hours have
    /// passed since the event.
    private func retryOrFail(
        _ delivery: Delivery, now: Date, statusCode: Int?, error: String, retryAfter: TimeInterval?
    ) -> DeliveryOutcome {
        let backoff = min(Self.longestBackoff, pow(2, Double(delivery.attempts)))
        // Full jitter over the upper half, so retries of many deliveries spread out.
        var delay = backoff * Double.random(in: 0.5...1)
        if let retryAfter { delay = max(delay, min(retryAfter, Delivery.retryWindow)) }
        let next = now.addingTimeInterval(delay)
        guard next.timeIntervalSince(delivery.createdAt) <= Delivery.retryWindow else {
            return .failed(statusCode: statusCode, error: "\(error); given up after 24 hours")
        }
        return .retry(retryAt: next, statusCode: statusCode, error: error)
    }

    /// `Retry-After` in seconds or as an HTTP date.
    static func retryAfter(_ value: String, now: Date) -> TimeInterval? {
        if let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "the receiver did not accept a connection within 5 s"
            case .readTimeout, .deadlineExceeded: return "the receiver did not answer in time"
            default: return "the request failed: \(error)"
            }
        }
        return "the receiver could not be reached: \(error)"
    }
}
