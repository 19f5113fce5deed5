import Config
import Cron
import CronicleLogging
import Foundation
import HeapModule
import Logging
import MonitorDomain
import ServiceLifecycle
import Synchronization

/// Raises missed_job and long_running alerts as their deadlines pass (DESIGN.md §4).
///
/// It keeps every watched job's next deadline (the awaited fire time plus tolerance)
/// and every open run's `max_runtime` deadline in one priority queue, sleeps until the
/// earliest, and checks only what is due, so a wake-up costs what is due, not what is
/// watched. Pings and job changes made in this process wake it early; changes another
/// process writes to the database (`cronicle-sync --db`) are read from the job change
/// log at least every `pollInterval`.
///
/// ```swift
/// let engine = AlertEngine(store: store)
/// try await engine.evaluate()   // what the service does at each wake-up
/// ```
///
/// Across restarts it resumes from the instant through which every deadline was checked,
/// stored with the alerts it raised, so the fire times missed while the monitor was down
/// become one incident per job with the right count, and nothing is raised twice.
public actor AlertEngine: Service {
    /// A job being watched, and how far its fire times have been checked: only what the
    /// deadlines need, with schedules shared between jobs, so 100,000 jobs stay small.
    private struct Watched {
        var schedule: CronSchedule?
        var tolerance: TimeInterval
        var earlyAllowance: TimeInterval
        /// nil when unlimited, and for health checks (a start is a whole run).
        var maxRuntime: TimeInterval?
        var paused: Bool
        /// `every`, for an interval job: its expected times follow its last ping, which the
        /// store knows, so the engine waits for the deadline the store gives it.
        var every: TimeInterval?
        var watchedSince: Date
        var expect: JobDefinition.Expect
        var fromFirstPing: Bool
        var tags: [String]
        /// Fire times up to this instant have been checked (or were not expected).
        var checkedThrough: Date
        /// Bumped at every change, so queue entries for an older version are ignored.
        var generation: Int
    }

    private struct Entry: Comparable {
        enum Target {
            case fireTime(jobID: String, generation: Int, fireTime: Date)
            /// An interval job's next expected ping, as far as the engine knows.
            case interval(jobID: String, generation: Int)
            case run(runID: String, jobID: String, start: Date)
        }
        var deadline: Date
        var target: Target
        static func < (left: Entry, right: Entry) -> Bool { left.deadline < right.deadline }
        static func == (left: Entry, right: Entry) -> Bool { left.deadline == right.deadline }
    }

    /// What arrives from the store's event handlers, which must not wait for the actor.
    private struct Inbox {
        /// Runs started since the last wake-up (only what a long-run deadline needs).
        var startedRuns: [(runID: String, jobID: String, start: Date)] = []
        /// Another node joined or left, or its messages may have been missed: its runs
        /// are read again from the database (a start it took just before dying was never
        /// told here).
        var reload = false
    }

    private final class Mailbox: Sendable {
        let inbox = Mutex(Inbox())
        let wake = WakeSignal()
    }

    private let store: any MonitorStoring
    private let pollInterval: Duration
    private let logger: Logger
    private let metrics: MonitorMetrics
    private let mailbox = Mailbox()
    private var jobs: [String: Watched] = [:]
    private var queue = Heap<Entry>()
    private var changeSequence: Int64 = 0
    /// When the checked-through mark was last stored.
    private var checkedThroughWritten: Date?
    private var loaded = false
    /// How far back deadlines are checked again when the stored mark lies in the future.
    static let recheckAfterClockStep: TimeInterval = 86_400
    /// The clock's reading at the previous evaluation, to notice it stepping back.
    private var lastEvaluation: Date?
    /// When the engine last checked its deadlines without an error: the heartbeat is
    /// sent only while this is recent.
    public var lastSuccessfulEvaluation: Date? { metrics.lastEngineEvaluation }
    /// Most fire times of one job checked in one evaluation, so a job that fires every
    /// minute and was unwatched for years cannot stall the engine; the rest follow.
    private let catchUpLimit = 10_000
    /// Most jobs, and most fire times, checked in one database transaction, so pings wait
    /// little behind it: a catch-up after downtime is many short transactions. 50: see
    /// docs/performance.md (notifications), where 100 doubled the pings' tail and 25
    /// stretched a burst of 10,000 alerts past 10 s.
    private let transactionLimit = (jobs: 25, fireTimes: 10_000)

    /// `metrics` receives each raised alert's detection lag, for `GET /metrics`.
    public init(
        store: any MonitorStoring, pollInterval: Duration = .seconds(1), logger: Logger = Logger(label: "cronicle"),
        metrics: MonitorMetrics = MonitorMetrics()
    ) {
        self.store = store
        self.metrics = metrics
        self.pollInterval = pollInterval
        self.logger = logger
        let mailbox = mailbox
        store.events.subscribe { event in
            switch event {
            case .jobsChanged:
                // The change log says which jobs; the wake-up reads it.
                mailbox.wake.signal()
            case .runStarted(let run, let hasMaxRuntime):
                // Only runs with a deadline; they are checked minutes later, so no need to wake.
                if hasMaxRuntime, let start = run.startTime {
                    mailbox.inbox.withLock { $0.startedRuns.append((run.runID, run.jobID, start)) }
                }
            case .clusterChanged:
                mailbox.inbox.withLock { $0.reload = true }
                mailbox.wake.signal()
            case .runEnded, .alertsChanged, .syncRecorded, .deliveriesQueued:
                break
            }
        }
    }

    public func run() async throws {
        let failures = ThrottledLog(logger: logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await self.evaluate()
                    failures.clear("alert engine: deadlines are checked again")
                } catch {
                    // Stopping cancels the wait for the store: not a failure.
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                    failures.log("alert engine: \(self.store.describe(error)); retrying from the database")
                    await self.forget()
                }
                await self.sleepUntilNextDeadline()
            }
        }
    }

    private func markHealthy() { metrics.engineEvaluated(at: store.clock.now) }

    /// How many times the engine has checked its deadlines (each wake-up is one).
    public private(set) var evaluations = 0

    /// The earliest deadline the engine is waiting for.
    public var nextDeadline: Date? {
        dropStaleEntries()
        return queue.min?.deadline
    }

    /// Drops entries at the front of the queue that a later change replaced.
    private func dropStaleEntries() {
        while let entry = queue.min {
            switch entry.target {
            case .fireTime(let jobID, let generation, _), .interval(let jobID, let generation):
                guard jobs[jobID]?.generation != generation else { return }
                queue.removeMin()
            case .run:
                return
            }
        }
    }

    /// Checks every deadline that has passed by the store's clock, and records the
    /// alerts they call for. The service calls this at each wake-up; tests call it
    /// after moving their clock.
    @discardableResult
    public func evaluate() async throws -> DeadlineOutcome {
        let outcome = try await checkDeadlines()
        markHealthy()
        return outcome
    }

    private func checkDeadlines() async throws -> DeadlineOutcome {
        let now = store.clock.now
        evaluations += 1
        forgetIfTheClockSteppedBack(now: now)
        lastEvaluation = now
        if mailbox.inbox.withLock({ $0.reload }) { forget() }
        if !loaded { try await load(now: now) }
        try await applyInbox()
        let (dueJobs, dueRuns) = takeDueEntries(now: now)
        // With nothing due, the checked-through mark is written once a minute at most: a
        // restart checks again what came after it, which changes nothing.
        if dueJobs.isEmpty && dueRuns.isEmpty, let written = checkedThroughWritten,
            now.timeIntervalSince(written) < 60
        {
            return DeadlineOutcome()
        }
        let outcome: DeadlineOutcome
        do {
            outcome = try await record(dueJobs, dueRuns, now: now)
            checkedThroughWritten = now
        } catch {
            // What was taken off the queue was not recorded: start again from the database.
            forget()
            throw error
        }
        for lag in outcome.detectionLags { metrics.alertRaised(lateBy: lag) }
        if outcome.missedFireTimes > 0 || outcome.longRunningAlerts > 0 {
            logger.notice(
                "alerts raised",
                metadata: [
                    "missed_fire_times": "\(outcome.missedFireTimes)", "long_running": "\(outcome.longRunningAlerts)",
                ])
        }
        return outcome
    }

    /// When the clock stepped back, what was checked "through" the later instant was
    /// checked early: start again from the database, from now.
    private func forgetIfTheClockSteppedBack(now: Date) {
        guard let last = lastEvaluation, now < last.addingTimeInterval(-1) else { return }
        logger.warning(
            "alert engine: the clock stepped back by \(Int(last.timeIntervalSince(now))) s; checking again from now")
        forget()
    }

    /// Takes every entry whose deadline has passed off the queue, queueing each job's
    /// next fire time and each run not yet due again.
    private func takeDueEntries(now: Date) -> (jobs: [DueFireTimes], runs: [DueRun]) {
        var dueJobs: [DueFireTimes] = []
        var dueRuns: [DueRun] = []
        while let entry = queue.min, entry.deadline <= now {
            queue.removeMin()
            switch entry.target {
            case .fireTime(let jobID, let generation, let fireTime):
                if let due = takeFireTimes(jobID: jobID, generation: generation, from: fireTime, now: now) {
                    dueJobs.append(due)
                }
            case .interval(let jobID, let generation):
                guard let watched = jobs[jobID], watched.generation == generation, !watched.paused,
                    let every = watched.every
                else { continue }
                // No early allowance: an interval job's expected time counts from its last
                // ping, so that ping must not also meet it (with every: 2s and a 2 s
                // tolerance, it did, and the miss came one period late).
                dueJobs.append(
                    DueFireTimes(
                        jobID: jobID, fireTimes: [], tolerance: watched.tolerance, earlyAllowance: 0,
                        expect: watched.expect,
                        fromFirstPing: watched.fromFirstPing,
                        interval: DueFireTimes.Interval(every: every, watchedSince: watched.watchedSince),
                        tags: watched.tags))
            case .run(let runID, let jobID, let start):
                guard let watched = jobs[jobID], !watched.paused, let maxRuntime = watched.maxRuntime
                else { continue }
                let deadline = start.addingTimeInterval(maxRuntime)
                if deadline <= now {
                    dueRuns.append(DueRun(runID: runID, jobID: jobID, deadline: deadline))
                } else {
                    queue.insert(Entry(deadline: deadline, target: entry.target))
                }
            }
        }
        return (dueJobs, dueRuns)
    }

    /// The fire times of a job whose deadlines have passed, from `fireTime` on (at most
    /// ``catchUpLimit``), and the next one queued; nil when a later change replaced the entry.
    private func takeFireTimes(jobID: String, generation: Int, from fireTime: Date, now: Date) -> DueFireTimes? {
        guard var watched = jobs[jobID], watched.generation == generation, let schedule = watched.schedule
        else { return nil }
        var fireTimes = [fireTime]
        var next = schedule.nextFireTime(after: fireTime)
        while let candidate = next, candidate.addingTimeInterval(watched.tolerance) <= now,
            fireTimes.count < catchUpLimit
        {
            fireTimes.append(candidate)
            next = schedule.nextFireTime(after: candidate)
        }
        watched.checkedThrough = fireTimes.last!
        jobs[jobID] = watched
        if let next {
            queue.insert(
                Entry(
                    deadline: next.addingTimeInterval(watched.tolerance),
                    target: .fireTime(jobID: jobID, generation: generation, fireTime: next)))
        }
        return DueFireTimes(
            jobID: jobID, fireTimes: fireTimes, tolerance: watched.tolerance, earlyAllowance: watched.earlyAllowance,
            expect: watched.expect, fromFirstPing: watched.fromFirstPing, tags: watched.tags)
    }

    /// Records what is due in transactions of at most ``transactionLimit``; the last one
    /// also opens the long-running alerts and moves the checked-through mark to `now`.
    private func record(_ dueJobs: [DueFireTimes], _ dueRuns: [DueRun], now: Date) async throws -> DeadlineOutcome {
        var outcome = DeadlineOutcome()
        var remaining = dueJobs[...]
        repeat {
            var size = 0
            var fireTimes = 0
            for due in remaining.prefix(transactionLimit.jobs) {
                if size > 0 && fireTimes + due.fireTimes.count > transactionLimit.fireTimes { break }
                size += 1
                fireTimes += due.fireTimes.count
            }
            let chunk = remaining.prefix(size)
            remaining = remaining.dropFirst(size)
            let last = remaining.isEmpty
            let recorded = try await store.recordDeadlines(
                Array(chunk), runs: last ? dueRuns : [], checkedThrough: last ? now : nil)
            outcome.missedFireTimes += recorded.missedFireTimes
            outcome.longRunningAlerts += recorded.longRunningAlerts
            outcome.detectionLags += recorded.detectionLags
            // Each interval job checked waits for the deadline the store worked out.
            for (jobID, deadline) in recorded.nextIntervalDeadlines {
                guard let watched = jobs[jobID], watched.every != nil else { continue }
                queue.insert(
                    Entry(deadline: deadline, target: .interval(jobID: jobID, generation: watched.generation)))
            }
        } while !remaining.isEmpty
        return outcome
    }

    private func forget() {
        loaded = false
        checkedThroughWritten = nil
        jobs = [:]
        queue = Heap()
    }

    private func sleepUntilNextDeadline() async {
        var timeout = pollInterval
        if let deadline = nextDeadline {
            let seconds = max(0, deadline.timeIntervalSince(store.clock.now))
            timeout = min(timeout, .milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
        await mailbox.wake.wait(timeout: timeout)
    }

    // MARK: - State

    private func load(now: Date) async throws {
        // Emptied first: a run that starts while the snapshot is read is then in one or both.
        mailbox.inbox.withLock { $0 = Inbox() }
        let snapshot = try await store.alertEngineSnapshot()
        jobs = [:]
        queue = Heap()
        changeSequence = snapshot.changeSequence
        var checkedThrough = snapshot.checkedThrough
        if let checked = checkedThrough, checked > now {
            // Written while the clock was ahead (it stepped back, or the database came from
            // another machine): trusting it would silence every alert until then. The last
            // day is checked again instead; checks are idempotent, so nothing is raised twice.
            checkedThrough = now.addingTimeInterval(-Self.recheckAfterClockStep)
            logger.warning(
                "alert engine: deadlines were checked through \(Timestamp.string(from: checked)), after now; checking again from \(Timestamp.string(from: checkedThrough!))"
            )
        }
        for job in snapshot.jobs {
            var from = min(job.watchedSince, now)
            if let checked = checkedThrough {
                from = max(from, checked.addingTimeInterval(-TimeInterval(job.definition.tolerance.seconds)))
            }
            watch(job, checkedThrough: from)
        }
        for run in snapshot.openRuns { watchRun(runID: run.runID, jobID: run.jobID, start: run.start) }
        loaded = true
    }

    private func applyInbox() async throws {
        let received = mailbox.inbox.withLock { inbox -> Inbox in
            defer { inbox = Inbox() }
            return inbox
        }
        // Read the change log at every wake-up: another process may have written it.
        if let changes = try await store.jobChanges(after: changeSequence) {
            for jobID in changes.changed where !changes.jobs.contains(where: { $0.jobID == jobID }) {
                jobs[jobID] = nil
            }
            for job in changes.jobs {
                let previous = jobs[job.jobID]
                watch(job, checkedThrough: previous?.checkedThrough ?? job.watchedSince)
                // A new limit, or a resume: the open runs' deadlines are queued again.
                if previous?.maxRuntime != jobs[job.jobID]?.maxRuntime
                    || (previous?.paused == true && jobs[job.jobID]?.paused == false)
                {
                    for run in try await store.openRuns(jobID: job.jobID) {
                        watchRun(runID: run.runID, jobID: job.jobID, start: run.start)
                    }
                }
            }
            changeSequence = changes.sequence
            try await store.pruneJobChanges(through: changes.sequence)
        }
        for run in received.startedRuns { watchRun(runID: run.runID, jobID: run.jobID, start: run.start) }
    }

    /// Starts (or restarts) watching `job`; fire times up to `checkedThrough` are not checked.
    private func watch(_ job: Job, checkedThrough: Date) {
        let definition = job.definition
        let generation = (jobs[job.jobID]?.generation ?? 0) + 1
        let watched = Watched(
            schedule: definition.cronSchedule, tolerance: TimeInterval(definition.tolerance.seconds),
            earlyAllowance: JobStatus.earlyAllowance(definition),
            maxRuntime: definition.isHealthCheck ? nil : definition.maxRuntime.map { TimeInterval($0.seconds) },
            paused: job.isPaused, every: definition.every.map { TimeInterval($0.seconds) },
            watchedSince: job.watchedSince, expect: definition.expect,
            fromFirstPing: definition.watchFrom == .firstRun, tags: definition.tags,
            checkedThrough: max(checkedThrough, min(job.watchedSince, store.clock.now)), generation: generation)
        jobs[job.jobID] = watched
        if !watched.paused, let every = watched.every {
            // The earliest its first deadline can be: no ping since it began to be watched.
            // The store says the real one when it comes.
            queue.insert(
                Entry(
                    deadline: job.watchedSince.addingTimeInterval(every + watched.tolerance),
                    target: .interval(jobID: job.jobID, generation: generation)))
            return
        }
        guard !watched.paused, let schedule = watched.schedule,
            let next = schedule.nextFireTime(after: watched.checkedThrough)
        else { return }
        queue.insert(
            Entry(
                deadline: next.addingTimeInterval(watched.tolerance),
                target: .fireTime(jobID: job.jobID, generation: generation, fireTime: next)))
    }

    private func watchRun(runID: String, jobID: String, start: Date) {
        guard let maxRuntime = jobs[jobID]?.maxRuntime else { return }
        queue.insert(
            Entry(
                deadline: start.addingTimeInterval(maxRuntime), target: .run(runID: runID, jobID: jobID, start: start)))
    }
}
