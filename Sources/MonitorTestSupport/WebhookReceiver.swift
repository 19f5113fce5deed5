import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP receiver on a free loopback port for notification tests: it records every
/// request (path, headers, body) and answers the statuses it is told, in order, then 200.
///
/// ```swift
/// try await WebhookReceiver.with(answers: [500]) { receiver in
///     ... // the first request gets 500, the next ones 200
///     #expect(receiver.requests.count == 2)
/// }
/// ```
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public let path: String
        /// Header names in lower case.
        public let headers: [String: String]
        public let body: String
        /// The query string without its `?`, empty when there is none.
        public var query: String = ""

        /// The value of query parameter `name`, percent-decoded.
        public func queryValue(_ name: String) -> String? {
            URLComponents(string: "http://receiver/?\(query)")?.queryItems?.first { $0.name == name }?.value
        }

        public func object() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// A status to answer, with an optional `Retry-After`.
    public struct Answer: Sendable, ExpressibleByIntegerLiteral {
        public let status: Int
        public let retryAfter: String?
        public init(integerLiteral status: Int) { self.init(status, retryAfter: nil) }
        public init(_ status: Int, retryAfter: String?) {
            self.status = status
            self.retryAfter = retryAfter
        }
    }

    private let box: ReceiverBox
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    init(port: Int, box: ReceiverBox) {
        self.port = port
        self.box = box
    }

    public var requests: [Received] { box.state.withLock { $0.requests } }

    /// Answers to give next, before returning to 200.
    public func answer(_ answers: [Answer]) { box.state.withLock { $0.answers += answers } }

    public static func with<T: Sendable>(
        answers: [Answer] = [], port: Int = 0, _ body: @Sendable (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let box = ReceiverBox(answers: answers)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let answer = box.record(
                Received(
                    path: request.uri.path, headers: headers, body: String(buffer: buffer),
                    query: request.uri.query ?? ""))
            var response = Response(status: .init(code: answer.status))
            if let retryAfter = answer.retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        }
        router.post("**", use: handler)
        router.get("**", use: handler)
        let portBox = Mutex<Int?>(nil)
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in portBox.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var bound: Int?
            for _ in 0..<500 where bound == nil {
                bound = portBox.withLock { $0 }
                if bound == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            guard let bound else { throw LiveMonitor.LiveMonitorError("the receiver did not start") }
            let receiver = WebhookReceiver(port: bound, box: box)
            do {
                let result = try await body(receiver)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    final class ReceiverBox: Sendable {
        let state: Mutex<(requests: [Received], answers: [Answer])>
        init(answers: [Answer]) { state = Mutex(([], answers)) }
        func record(_ received: Received) -> Answer {
            state.withLock { state in
                state.requests.append(received)
                return state.answers.isEmpty ? 200 : state.answers.removeFirst()
            }
        }
    }
}
