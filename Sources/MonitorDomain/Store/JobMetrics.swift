import Config
import Cron
import Foundation

/// One job as `GET /metrics` exports it (DESIGN 13): its configuration, its derived
/// status, and the totals of its ended runs.
public struct JobMetrics: Sendable {
    /// The ended runs of a job, counted as they end: a counter that keeps growing when
    /// old runs are removed from the history (`--keep-runs`), as Prometheus counters must.
    public struct RunTotals: Sendable, Hashable {
        public var succeeded: Int
        public var failed: Int
        /// The end of the latest successful run.
        public var lastSuccess: Date?
        /// The end of the latest failed run.
        public var lastFailure: Date?
        /// How long the latest run to end lasted; nil when it had no start (a success
        /// ping alone).
        public var lastDurationSeconds: Double?

        public init(
            succeeded: Int = 0, failed: Int = 0, lastSuccess: Date? = nil, lastFailure: Date? = nil,
            lastDurationSeconds: Double? = nil
        ) {
            self.succeeded = succeeded
            self.failed = failed
            self.lastSuccess = lastSuccess
            self.lastFailure = lastFailure
            self.lastDurationSeconds = lastDurationSeconds
        }
    }

    public var job: Job
    public var status: JobStatus
    public var runs: RunTotals

    public init(job: Job, status: JobStatus, runs: RunTotals) {
        self.job = job
        self.status = status
        self.runs = runs
    }

    /// Seconds between the job's next two expected times: its `every`, or the gap from
    /// its next fire time to the one after. With the last success and the next expected
    /// time, what tells "no success for two periods" apart from a slow job.
    public var expectedIntervalSeconds: Double? {
        if let every = job.definition.every { return Double(every.seconds) }
        guard let next = status.nextFireTime, let following = job.nextFireTime(after: next) else { return nil }
        return following.timeIntervalSince(next)
    }
}
