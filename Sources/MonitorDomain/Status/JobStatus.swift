import Config
import Cron
import Foundation

/// A job's derived state, what `GET /jobs/{id}/status`, the job list and the
/// dashboard show. DESIGN.md §4: the first condition that holds wins.
public struct JobStatus: Sendable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case paused
        case longRunning = "long_running"
        case missed
        case failed
        case late
        case running
        case ok
        case new
    }

    public var jobID: String
    public var state: State
    public var lastRun: JobRun?
    /// The next fire time after now.
    public var nextFireTime: Date?
    /// The latest instant the start currently awaited may arrive: the passed fire time
    /// plus tolerance while late, otherwise the next fire time plus tolerance.
    public var deadline: Date?
    public var openAlerts: [JobAlert]

    /// What the derivation needs to know about a job's runs and alerts.
    public struct Facts: Sendable {
        /// The job's newest run.
        public var lastRun: JobRun?
        /// When the job's newest run with a start started.
        public var lastStartTime: Date?
        /// When the job's oldest open run started: what `running` and `long_running`
        /// need, whatever the number of open runs (one index look-up, not a scan).
        public var oldestOpenRunStart: Date?
        public var openAlerts: [JobAlert]

        public init(
            lastRun: JobRun? = nil, lastStartTime: Date? = nil, oldestOpenRunStart: Date? = nil,
            openAlerts: [JobAlert] = []
        ) {
            self.lastRun = lastRun
            self.lastStartTime = lastStartTime
            self.oldestOpenRunStart = oldestOpenRunStart
            self.openAlerts = openAlerts
        }
    }

    /// How early a start may arrive and still count for the coming fire time: one
    /// minute of clock skew, or the tolerance if that is smaller.
    public static func earlyAllowance(_ definition: JobDefinition) -> TimeInterval {
        min(60, TimeInterval(definition.tolerance.seconds))
    }

    public static func derive(job: Job, facts: Facts, now: Date) -> JobStatus {
        let definition = job.definition
        var status = JobStatus(
            jobID: job.jobID, state: .ok, lastRun: facts.lastRun, nextFireTime: nil, deadline: nil,
            openAlerts: facts.openAlerts)
        let tolerance = TimeInterval(definition.tolerance.seconds)
        var late = false
        var firstExpectedPassed = false
        if let schedule = definition.cronSchedule {
            let next = schedule.nextFireTime(after: max(now, job.watchedSince))
            status.nextFireTime = next
            status.deadline = next?.addingTimeInterval(tolerance)
            firstExpectedPassed = schedule.nextFireTime(after: job.watchedSince).map { $0 <= now } ?? false
            if let previous = schedule.previousFireTime(before: now.addingTimeInterval(1)), previous <= now,
                previous > job.watchedSince, now < previous.addingTimeInterval(tolerance)
            {
                let satisfied =
                    facts.lastStartTime.map { $0 >= previous.addingTimeInterval(-earlyAllowance(definition)) } ?? false
                if !satisfied {
                    late = true
                    status.deadline = previous.addingTimeInterval(tolerance)
                }
            }
        }
        let overdue =
            definition.maxRuntime.map { maxRuntime in
                !definition.isHealthCheck
                    && facts.oldestOpenRunStart.map { now.timeIntervalSince($0) > TimeInterval(maxRuntime.seconds) }
                        ?? false
            } ?? false
        if definition.paused {
            status.state = .paused
        } else if overdue || facts.openAlerts.contains(where: { $0.kind == .longRunning }) {
            status.state = .longRunning
        } else if facts.openAlerts.contains(where: { $0.kind == .missedJob }) {
            status.state = .missed
        } else if facts.openAlerts.contains(where: { $0.kind == .failed }) {
            // The failed incident is open exactly while the last run to finish failed: a
            // failed end opens it and the next successful end (or heartbeat) resolves it.
            status.state = .failed
        } else if late {
            status.state = .late
        } else if facts.oldestOpenRunStart != nil {
            status.state = .running
        } else {
            status.state = facts.lastRun != nil || firstExpectedPassed ? .ok : .new
        }
        return status
    }
}
