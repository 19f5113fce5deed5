import Foundation

/// When a ping is tried again: after a connection error, 408, 429 or 5xx, with exponential
/// backoff and full jitter (a random wait between zero and the doubling cap), never sooner
/// than the server's `Retry-After`, and never past the ping's deadline.
///
/// ```swift
/// let policy = RetryPolicy()
/// policy.isRetryable(status: 503)                        // true
/// policy.delay(afterAttempt: 3, retryAfter: nil, using: &g)  // somewhere in 0...2 s
/// ```
public struct RetryPolicy: Sendable {
    /// The cap before the first retry; it doubles each attempt.
    public var initialDelay: Duration = .milliseconds(250)
    /// The cap never grows beyond this.
    public var maximumDelay: Duration = .seconds(8)
    /// One attempt never waits longer than this for an answer.
    public var attemptTimeout: Duration = .seconds(10)

    public init() {}

    /// 408, 429 and every 5xx: the server may answer differently later.
    public func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1): a random duration up to
    /// `initialDelay * 2^(attempt-1)` capped at `maximumDelay`, raised to `retryAfter` when the
    /// server asked for longer.
    public func delay<Random: RandomNumberGenerator>(
        afterAttempt attempt: Int, retryAfter: Duration?, using generator: inout Random
    ) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(initialDelay * (1 << exponent), maximumDelay)
        let capNanoseconds = max(Int64(cap.secondsValue * 1e9), 1)
        let jittered = Duration.nanoseconds(Int64.random(in: 0...capNanoseconds, using: &generator))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// A `Retry-After` value: seconds, or an HTTP date (RFC 9110 10.2.3) counted from `now`.
    public static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1_000)))
    }
}
