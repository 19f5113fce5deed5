import Foundation

/// What one check of due deadlines wrote.
public struct DeadlineOutcome: Sendable, Equatable {
    /// Fire times newly recorded as missed (added to an incident or opening one).
    public var missedFireTimes = 0
    public var longRunningAlerts = 0

    public init(missedFireTimes: Int = 0, longRunningAlerts: Int = 0) {
        self.missedFireTimes = missedFireTimes
        self.longRunningAlerts = longRunningAlerts
    }
}
