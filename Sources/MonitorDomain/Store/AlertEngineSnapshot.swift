import Foundation

/// What the alert engine loads when it starts.
public struct AlertEngineSnapshot: Sendable {
    public var changeSequence: Int64
    public var checkedThrough: Date?
    public var jobs: [Job]
    public var openRuns: [(runID: String, jobID: String, start: Date)]

    public init(
        changeSequence: Int64, checkedThrough: Date?, jobs: [Job],
        openRuns: [(runID: String, jobID: String, start: Date)]
    ) {
        self.changeSequence = changeSequence
        self.checkedThrough = checkedThrough
        self.jobs = jobs
        self.openRuns = openRuns
    }
}
