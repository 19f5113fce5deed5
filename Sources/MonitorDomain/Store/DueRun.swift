import Foundation

/// A run whose `max_runtime` has passed while it may still be running.
public struct DueRun: Sendable {
    public var runID: String
    public var jobID: String

    public init(runID: String, jobID: String) {
        self.runID = runID
        self.jobID = jobID
    }
}
