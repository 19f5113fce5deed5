import Foundation

/// A run whose `max_runtime` has passed while it may still be running.
public struct DueRun: Sendable {
    public var runID: String
    public var jobID: String
    /// When its `max_runtime` passed (start plus `max_runtime`), for the detection lag.
    public var deadline: Date?

    public init(runID: String, jobID: String, deadline: Date? = nil) {
        self.runID = runID
        self.jobID = jobID
        self.deadline = deadline
    }
}
