import Foundation

/// Where the monitor gets the current time. The server uses ``SystemClock``; tests
/// use a manual clock and move it by hand, so alert timing is tested without sleeping.
public protocol MonitorClock: Sendable {
    var now: Date { get }
}

/// The wall clock of the machine.
public struct SystemClock: MonitorClock {
    public init() {}
    public var now: Date { Date() }
}
