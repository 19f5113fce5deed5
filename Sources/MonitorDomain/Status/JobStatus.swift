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
        case tooFast = "too_fast"
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
    /// Failed runs in a row, the latest included; below the job's `failure_threshold`
    /// they show ("2 of 3 failed") but open no alert.
    public var failureStreak: Int = 0

    /// What the derivation needs to know about a job's runs and alerts.
    public struct Facts: Sendable {
        /// The job's newest run.
        public var lastRun: JobRun?
        /// When the job's newest run pinged: its start, or its end when it has no start.
        public var lastStartTime: Date?
        /// The job's latest end (with `expect: end`, what meets an expected time).
        public var lastEndTime: Date?
        /// The job's first ping ever, start or end; read only for `watch_from: first_run`.
        public var firstPingTime: Date?
        /// When the job's oldest open run started: what `running` and `long_running`
        /// need, whatever the number of open runs (one index look-up, not a scan).
        public var oldestOpenRunStart: Date?
        public var openAlerts: [JobAlert]
        /// Failed runs in a row, the latest included (0 after a success).
        public var failureStreak: Int

        public init(
            lastRun: JobRun? = nil, lastStartTime: Date? = nil, lastEndTime: Date? = nil, firstPingTime: Date? = nil,
            oldestOpenRunStart: Date? = nil, openAlerts: [JobAlert] = [], failureStreak: Int = 0
        ) {
            self.failureStreak = failureStreak
            self.lastRun = lastRun
            self.lastStartTime = lastStartTime
            self.lastEndTime = lastEndTime
            self.firstPingTime = firstPingTime
            self.oldestOpenRunStart = oldestOpenRunStart
            self.openAlerts = openAlerts
        }
    }

    /// How early a start may arrive and still count for the coming fire time: one
    /// minute of clock skew, or the tolerance if that is smaller.
    public static func earlyAllowance(_ definition: JobDefinition) -> TimeInterval {
        min(60, TimeInterval(definition.tolerance.seconds))
    }

    /// From when a job's expected times count: its creation or last resume, or with
    /// `watch_from: first_run` its first ping after that; nil while a `first_run` job
    /// has never pinged (nothing is expected of it yet).
    public static func watchedSince(_ job: Job, firstPing: Date?) -> Date? {
        guard job.definition.watchFrom == .firstRun else { return job.watchedSince }
        return firstPing.map { max($0, job.watchedSince) }
    }

    /// An interval job's next expected ping: `every` after its last ping (start or end,
    /// per `expect`), or after it began to be watched; nil while nothing is expected.
    public static func nextIntervalTime(_ job: Job, lastPing: Date?, firstPing: Date?) -> Date? {
        guard let every = job.definition.every, let since = watchedSince(job, firstPing: firstPing) else { return nil }
        return max(lastPing ?? since, since).addingTimeInterval(TimeInterval(every.seconds))
    }

    public static func derive(job: Job, facts: Facts, now: Date) -> JobStatus {
        // The definition as an argument is borrowed from the job, where a local copy
        // would retain each of its strings and lists: for 10,000 jobs, a tenth of the list.
        derive(job: job, definition: job.definition, facts: facts, now: now)
    }

    private static func derive(job: Job, definition: JobDefinition, facts: Facts, now: Date) -> JobStatus {
        var status = JobStatus(
            jobID: job.jobID, state: .ok, lastRun: facts.lastRun, nextFireTime: nil, deadline: nil,
            openAlerts: facts.openAlerts)
        let tolerance = TimeInterval(definition.tolerance.seconds)
        let lastPing = definition.expect == .end ? facts.lastEndTime : facts.lastStartTime
        let watchedSince = Self.watchedSince(job, firstPing: facts.firstPingTime)
        var late = false
        var firstExpectedPassed = false
        if definition.every != nil {
            if let next = nextIntervalTime(job, lastPing: lastPing, firstPing: facts.firstPingTime) {
                status.nextFireTime = next
                status.deadline = next.addingTimeInterval(tolerance)
                late = next <= now && now < next.addingTimeInterval(tolerance)
                firstExpectedPassed = next <= now
            }
        } else if job.cronSchedule != nil {
            let from = watchedSince ?? job.watchedSince
            let next = job.nextFireTime(after: max(now, from))
            status.nextFireTime = next
            status.deadline = next?.addingTimeInterval(tolerance)
            if let watchedSince {
                firstExpectedPassed = job.nextFireTime(after: watchedSince).map { $0 <= now } ?? false
                if let previous = job.previousFireTime(before: now.addingTimeInterval(1)), previous <= now,
                    previous > watchedSince, now < previous.addingTimeInterval(tolerance)
                {
                    let satisfied =
                        lastPing.map { $0 >= previous.addingTimeInterval(-earlyAllowance(definition)) } ?? false
                    if !satisfied {
                        late = true
                        status.deadline = previous.addingTimeInterval(tolerance)
                    }
                }
            }
        }
        let overdue =
            definition.maxRuntime.map { maxRuntime in
                !definition.isHealthCheck
                    && facts.oldestOpenRunStart.map { now.timeIntervalSince($0) > TimeInterval(maxRuntime.seconds) }
                        ?? false
            } ?? false
        status.failureStreak = facts.failureStreak
        if job.isPaused {
            status.state = .paused
        } else if overdue || facts.openAlerts.contains(where: { $0.kind == .longRunning }) {
            status.state = .longRunning
        } else if facts.openAlerts.contains(where: { $0.kind == .missedJob }) {
            status.state = .missed
        } else if facts.openAlerts.contains(where: { $0.kind == .failed }) || facts.failureStreak > 0 {
            // The last run to finish failed: the failed incident is open exactly then, or,
            // below the job's failure_threshold, the streak of failures counts it.
            status.state = .failed
        } else if facts.openAlerts.contains(where: { $0.kind == .tooFast }) {
            status.state = .tooFast
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
