import Foundation
import Synchronization

/// A clock that only moves when a test moves it: the alert engine's deadlines, the
/// store's timestamps and the reconciler's times are tested on it without sleeping.
/// Beside ``SystemClock`` so that every test target (and a benchmark) can use it
/// without linking the HTTP test kit.
///
/// ```swift
/// let clock = ManualClock("2026-11-28T06:00:00Z")
/// clock.advance(by: 90)
/// ```
public final class ManualClock: MonitorClock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    /// Starts at an ISO 8601 instant such as `2026-11-28T06:00:00Z`.
    public convenience init(_ iso8601: String) {
        self.init(ISO8601DateFormatter().date(from: iso8601)!)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
