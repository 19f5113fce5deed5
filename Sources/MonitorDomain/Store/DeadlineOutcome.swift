import Foundation

/// What one check of due deadlines wrote.
public struct DeadlineOutcome: Sendable, Equatable {
    /// Fire times newly recorded as missed (added to an incident or opening one).
    public var missedFireTimes = 0
    public var longRunningAlerts = 0
    /// For each interval job checked, when its next expected ping's deadline passes:
    /// the engine waits for it.
    public var nextIntervalDeadlines: [String: Date] = [:]
    /// For each alert opened (a missed_job incident, a long_running alert), how long after
    /// its deadline it was raised, in seconds: the monitor's detection lag.
    public var detectionLags: [TimeInterval] = []

    public init(
        missedFireTimes: Int = 0, longRunningAlerts: Int = 0, nextIntervalDeadlines: [String: Date] = [:],
        detectionLags: [TimeInterval] = []
    ) {
        self.missedFireTimes = missedFireTimes
        self.longRunningAlerts = longRunningAlerts
        self.nextIntervalDeadlines = nextIntervalDeadlines
        self.detectionLags = detectionLags
    }
}
