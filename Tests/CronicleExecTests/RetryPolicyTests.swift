import CronicleExec
import CronicleTestSupport
import Foundation
import Testing

/// Which answers are retried, and how long each wait is.
@Suite struct RetryPolicyTests {
    @Test func retriesTimeoutsRateLimitsAndServerErrorsOnly() {
        let policy = RetryPolicy()
        for status in [408, 429, 500, 502, 503, 504, 599] { #expect(policy.isRetryable(status: status)) }
        for status in [200, 301, 400, 401, 403, 404, 409, 413, 422] { #expect(!policy.isRetryable(status: status)) }
    }

    @Test func waitsAreFullJitterUnderADoublingCap() {
        let policy = RetryPolicy()
        var generator = SeededGenerator(seed: 3)
        for attempt in 1...12 {
            let cap = min(Duration.milliseconds(250) * (1 << (attempt - 1)), .seconds(8))
            let waits = (0..<200).map { _ in policy.delay(afterAttempt: attempt, retryAfter: nil, using: &generator) }
            #expect(waits.allSatisfy { $0 >= .zero && $0 <= cap })
            // Full jitter spreads over the whole range, not just near the cap.
            #expect(waits.contains { $0 < cap / 4 })
            #expect(waits.contains { $0 > cap * 3 / 4 })
        }
    }

    @Test func retryAfterIsNeverCutShort() {
        var generator = SeededGenerator(seed: 4)
        let wait = RetryPolicy().delay(afterAttempt: 1, retryAfter: .seconds(3), using: &generator)
        #expect(wait == .seconds(3))
        #expect(RetryPolicy.retryAfter("120") == .seconds(120))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let inThirty = now.addingTimeInterval(30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(RetryPolicy.retryAfter(formatter.string(from: inThirty), now: now) == .seconds(30))
        #expect(RetryPolicy.retryAfter("soon") == nil)
        #expect(RetryPolicy.retryAfter("-5") == nil)
    }
}
