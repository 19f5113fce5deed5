import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends pings to the monitor, trying again on connection errors, 408, 429 and 5xx as
/// ``RetryPolicy`` says, until a deadline.
///
/// ```swift
/// let sender = PingSender()
/// switch await sender.send(ping, until: .now + .seconds(30)) {
/// case .delivered(_, let bodyLimit): ...
/// case .refused(let status, let answer): ...   // 404, 400: told once, never retried
/// case .undelivered(let reason): ...           // spool it
/// }
/// ```
///
/// Cancelling the calling task gives up at once with ``Outcome/undelivered(reason:)``.
public struct PingSender: Sendable {
    /// How a ping ended.
    public enum Outcome: Sendable, Equatable {
        /// A 2xx answer; `bodyLimit` is its `Ping-Body-Limit`, when given.
        case delivered(status: Int, bodyLimit: Int?)
        /// A final answer other than success, such as 404 or 400: sending again changes nothing.
        case refused(status: Int, answer: String)
        /// No final answer before the deadline (or before cancellation); `reason` is the last failure.
        case undelivered(reason: String)

        /// True unless the ping is worth sending again later.
        public var isFinal: Bool {
            if case .undelivered = self { return false }
            return true
        }
    }

    /// For `https:` pings; nil: AsyncHTTPClient's shared client, started only when one is sent.
    private let client: HTTPClient?
    private let policy: RetryPolicy

    public init(client: HTTPClient? = nil, policy: RetryPolicy = RetryPolicy()) {
        self.client = client
        self.policy = policy
    }

    /// Sends `ping`, retrying until `deadline` when `retries` is true, else trying once.
    public func send(_ ping: PingRequest, until deadline: ContinuousClock.Instant, retries: Bool = true) async
        -> Outcome
    {
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        var lastFailure = "no attempt before the deadline"
        while true {
            attempt += 1
            let remaining = deadline - .now
            guard remaining > .zero, !Task.isCancelled else { return .undelivered(reason: lastFailure) }
            var retryAfter: Duration?
            do {
                let response = try await exchange(ping, timeout: min(remaining, policy.attemptTimeout))
                let status = response.status
                if (200...299).contains(status) {
                    let limit = response.headers["ping-body-limit"].flatMap { Int($0) }
                    return .delivered(status: status, bodyLimit: limit)
                }
                guard policy.isRetryable(status: status) else {
                    return .refused(status: status, answer: response.body)
                }
                lastFailure = "HTTP \(status)"
                retryAfter = response.headers["retry-after"].flatMap { RetryPolicy.retryAfter($0) }
            } catch {
                if Task.isCancelled { return .undelivered(reason: lastFailure) }
                lastFailure = Self.describe(error)
            }
            guard retries else { return .undelivered(reason: lastFailure) }
            let wait = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
            guard ContinuousClock.now + wait < deadline else { return .undelivered(reason: lastFailure) }
            do {
                try await Task.sleep(for: wait)
            } catch {
                return .undelivered(reason: lastFailure)
            }
        }
    }

    /// One attempt: `http:` pings over ``PlainHTTPClient`` (a few hundred microseconds, where
    /// AsyncHTTPClient's first request costs milliseconds of start-up), `https:` ones through
    /// AsyncHTTPClient and its TLS.
    private func exchange(_ ping: PingRequest, timeout: Duration) async throws -> PlainHTTPClient.Response {
        if let url = URLComponents(string: ping.url), url.scheme?.lowercased() == "http" {
            return try await PlainHTTPClient().execute(ping, url: url, timeout: timeout)
        }
        let response = try await (client ?? .shared).execute(
            Self.httpRequest(ping), timeout: .nanoseconds(Int64(timeout.secondsValue * 1e9)))
        let body = (try? await response.body.collect(upTo: PlainHTTPClient.bodyLimit)).map { String(buffer: $0) } ?? ""
        var headers: [String: String] = [:]
        for header in response.headers where headers[header.name.lowercased()] == nil {
            headers[header.name.lowercased()] = header.value
        }
        return PlainHTTPClient.Response(status: Int(response.status.code), headers: headers, body: body)
    }

    private static func httpRequest(_ ping: PingRequest) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: ping.url)
        request.method = HTTPMethod(rawValue: ping.method)
        for (name, value) in ping.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: ping.body))
        return request
    }

    /// A short reason for a message: "connection refused", "timed out".
    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timed out") {
            return "no answer in time"
        }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
