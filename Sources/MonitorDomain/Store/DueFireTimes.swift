import Foundation

/// A job whose awaited fire times have reached their deadlines, for the store to check
/// against the starts it recorded.
public struct DueFireTimes: Sendable {
    public var jobID: String
    /// Ascending; each one's deadline (fire time + tolerance) has passed.
    public var fireTimes: [Date]
    public var tolerance: TimeInterval
    /// How early a start may come and still count (DESIGN.md §4).
    public var earlyAllowance: TimeInterval

    public init(jobID: String, fireTimes: [Date], tolerance: TimeInterval, earlyAllowance: TimeInterval) {
        self.jobID = jobID
        self.fireTimes = fireTimes
        self.tolerance = tolerance
        self.earlyAllowance = earlyAllowance
    }
}
