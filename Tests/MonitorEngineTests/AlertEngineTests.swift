import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorStoragePostgres
import MonitorTestSupport
import Testing

/// Every transition of DESIGN.md §4 driven by a manual clock: the engine is told to
/// evaluate after each move, and nothing here sleeps for a deadline.
@Suite struct AlertEngineTests {
    /// A store and an engine over one temporary database, at `start`.
    struct Bench {
        let folder: TemporaryFolder
        let clock: ManualClock
        let store: MonitorStore
        let engine: AlertEngine
        /// The store as `--db` names it, for ``anotherStore(mode:)``.
        let database: String
        /// Keeps a PostgreSQL test database until the bench goes.
        let lease: (any Sendable)?

        /// A bench on ``TestStore/current``: SQLite, or PostgreSQL in `scripts/test`'s second run.
        init(_ start: String = "2026-11-28T06:00:00Z") async throws {
            folder = try TemporaryFolder()
            clock = ManualClock(start)
            (store, database, lease) = try await TestStore.makeStore(folder: folder, clock: clock)
            engine = AlertEngine(store: store)
        }

        /// Another store on the same database, as `cronicle-sync apply --db` opens it from
        /// another process; the caller closes it.
        func anotherStore(mode: MonitorStore.OpenMode = .existing) async throws -> MonitorStore {
            try await StoreOpener.open(database, mode: mode, clock: clock)
        }

        /// A new engine over the same file, as after a restart (or a crash).
        func restarted() -> AlertEngine { AlertEngine(store: store) }

        func at(_ iso8601: String) { clock.set(date(iso8601)) }

        func job(
            _ schedule: String, id: String = "job", timezone: String = "UTC", tolerance: String = "5m",
            maxRuntime: String? = nil, healthCheck: Bool = false, paused: Bool = false
        ) async throws {
            _ = try await store.saveJob(
                JobDefinition(
                    jobID: id, schedule: schedule, timezone: timezone, tolerance: try JobDuration(parsing: tolerance),
                    maxRuntime: try maxRuntime.map { try JobDuration(parsing: $0) }, isHealthCheck: healthCheck,
                    paused: paused))
        }

        func alerts(_ job: String = "job", _ kind: JobAlert.Kind? = nil) async throws -> [JobAlert] {
            try await store.alerts(AlertQuery(jobID: job, kind: kind, page: PageRequest(page: 1, perPage: 500))).items
                .reversed()
        }

        @discardableResult
        func evaluate(_ engine: AlertEngine? = nil) async throws -> DeadlineOutcome {
            try await (engine ?? self.engine).evaluate()
        }
    }

    static func date(_ iso8601: String) -> Date { ISO8601DateFormatter().date(from: iso8601)! }
    func date(_ iso8601: String) -> Date { Self.date(iso8601) }

    @Test func aStartInsideTheToleranceMeetsTheFireTime() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:04:59Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T07:05:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome())
        #expect(try await bench.alerts().isEmpty)
        #expect(await bench.engine.nextDeadline == date("2026-11-28T08:05:00Z"))
    }

    @Test func noStartByTheDeadlineIsMissedAtTheDeadlineNotBefore() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:04:59Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().isEmpty)
        bench.at("2026-11-28T07:05:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1)
        let alert = try #require(try await bench.alerts().first)
        #expect(alert.kind == .missedJob)
        #expect(alert.fireTime == date("2026-11-28T07:00:00Z"))
        #expect(alert.missedCount == 1)
        #expect(alert.createdAt == date("2026-11-28T07:05:00Z"))
        #expect(try await bench.store.status(jobID: "job").state == .missed)
    }

    @Test func anEarlyStartCountsForTheComingFireTimeButNotAnHourEarly() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T06:59:30Z")  // 30 s early: clock skew
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T07:05:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().isEmpty)
        bench.at("2026-11-28T07:58:00Z")  // 2 minutes early: not skew, not this fire time
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T08:05:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().map(\.fireTime) == [date("2026-11-28T08:00:00Z")])
    }

    @Test func anIncidentGrowsWhileSilentAndResolvesAtTheNextStart() async throws {
        let bench = try await Bench()
        try await bench.job("*/10 * * * *", tolerance: "1m")
        for minute in ["06:11", "06:21", "06:31"] {
            bench.at("2026-11-28T\(minute):00Z")
            try await bench.evaluate()
        }
        var alerts = try await bench.alerts()
        #expect(alerts.count == 1)
        #expect(alerts[0].missedCount == 3)
        #expect(alerts[0].fireTime == date("2026-11-28T06:10:00Z"))
        #expect(alerts[0].lastFireTime == date("2026-11-28T06:30:00Z"))
        #expect(alerts[0].resolvedAt == nil)

        bench.at("2026-11-28T06:33:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        alerts = try await bench.alerts()
        #expect(alerts[0].resolvedAt == date("2026-11-28T06:33:00Z"))

        bench.at("2026-11-28T06:41:00Z")  // the 06:40 start is missed again: a new incident
        try await bench.evaluate()
        alerts = try await bench.alerts()
        #expect(alerts.count == 2)
        #expect(alerts[1].fireTime == date("2026-11-28T06:40:00Z"))
        #expect(alerts[1].missedCount == 1)
    }

    @Test func acknowledgingSilencesButTheIncidentStillResolvesItself() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "1m")
        bench.at("2026-11-28T07:01:00Z")
        try await bench.evaluate()
        let alert = try #require(try await bench.alerts().first)
        _ = try await bench.store.acknowledgeAlert(alert.id)
        bench.at("2026-11-28T08:01:00Z")
        try await bench.evaluate()
        var current = try #require(try await bench.alerts().first)
        #expect(current.acknowledged && current.missedCount == 2 && current.resolvedAt == nil)
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        current = try #require(try await bench.alerts().first)
        #expect(current.resolvedAt == date("2026-11-28T08:01:00Z"))
    }

    @Test func longRunsAlertOncePerRunAndResolveWhenTheyEnd() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m", maxRuntime: "10m")
        bench.at("2026-11-28T07:00:00Z")
        let first = try await bench.store.startRun(jobID: "job", RunStart(runID: "first")).run
        bench.at("2026-11-28T07:02:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart(runID: "second"))  // overlapping
        bench.at("2026-11-28T07:09:59Z")
        try await bench.evaluate()
        #expect(try await bench.alerts("job", .longRunning).isEmpty)
        bench.at("2026-11-28T07:10:00Z")
        #expect(try await bench.evaluate().longRunningAlerts == 1)
        bench.at("2026-11-28T07:12:00Z")
        #expect(try await bench.evaluate().longRunningAlerts == 1)
        bench.at("2026-11-28T07:30:00Z")
        #expect(try await bench.evaluate().longRunningAlerts == 0, "one alert per run, however long it runs")
        var alerts = try await bench.alerts("job", .longRunning)
        #expect(alerts.map(\.runID) == [first.runID, "second"])
        #expect(try await bench.store.status(jobID: "job").state == .longRunning)

        _ = try await bench.store.endRun(jobID: "job", RunEnd(runID: "first"))
        alerts = try await bench.alerts("job", .longRunning)
        #expect(alerts[0].resolvedAt == date("2026-11-28T07:30:00Z"))
        #expect(alerts[1].resolvedAt == nil)
    }

    @Test func aRunThatEndsInTimeRaisesNothing() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", maxRuntime: "10m")
        bench.at("2026-11-28T07:00:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T07:09:00Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd())
        bench.at("2026-11-28T07:20:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome())
    }

    /// A Healthchecks success ping is an end without a start: the job ran, so it meets
    /// the fire time (DESIGN.md §10.1), as it would on Healthchecks.
    @Test func anEndWithoutAStartMeetsAFireTime() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:01:00Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd(exitCode: 0))
        bench.at("2026-11-28T07:05:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 0)
        // The next hour has no ping at all: missed.
        bench.at("2026-11-28T08:05:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1)
    }

    @Test func healthChecksAlertOnlyOnMissedHeartbeats() async throws {
        let bench = try await Bench()
        try await bench.job("*/5 * * * *", tolerance: "1m", maxRuntime: "1m", healthCheck: true)
        bench.at("2026-11-28T06:05:30Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T06:11:00Z")
        try await bench.evaluate()
        let alerts = try await bench.alerts()
        #expect(alerts.map(\.kind) == [.missedJob])
        #expect(alerts.first?.fireTime == date("2026-11-28T06:10:00Z"))
    }

    @Test func aScheduleChangeMidWindowMovesTheDeadlineAtOnce() async throws {
        let bench = try await Bench()
        try await bench.job("0 12 * * *", tolerance: "5m")
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == date("2026-11-28T12:05:00Z"))
        bench.at("2026-11-28T06:30:00Z")
        try await bench.job("0 7 * * *", tolerance: "5m")
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == date("2026-11-28T07:05:00Z"))
        bench.at("2026-11-28T06:31:00Z")
        try await bench.job("0 7 * * *", tolerance: "45m")  // tolerance only: same fire time, later deadline
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == date("2026-11-28T07:45:00Z"))
        bench.at("2026-11-28T07:45:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().map(\.fireTime) == [date("2026-11-28T07:00:00Z")])
    }

    @Test func theFireTimeOfASkippedHourIsTheFirstMinuteAfterTheGap() async throws {
        // New York springs forward on 2021-03-14: 02:30 does not exist; the run is due at 03:00 EDT.
        let bench = try await Bench("2021-03-13T12:00:00Z")
        try await bench.job("30 2 * * *", timezone: "America/New_York", tolerance: "10m")
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == date("2021-03-14T07:10:00Z"))  // 03:10 EDT
        bench.at("2021-03-14T07:10:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().map(\.fireTime) == [date("2021-03-14T07:00:00Z")])
        // A late start resolves it; the next day's 02:30 EDT, silent, is a new incident at 02:40 EDT.
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2021-03-15T06:40:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().count == 2)
    }

    @Test func pausedJobsRaiseNothingAndResumeCountsFromTheResume() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        try await bench.evaluate()
        _ = try await bench.store.setPaused("job", true, by: .test, reason: nil)
        bench.at("2026-11-28T09:30:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome())
        _ = try await bench.store.setPaused("job", false, by: .test, reason: nil)
        try await bench.evaluate()
        #expect(try await bench.alerts().isEmpty, "fire times while paused are not missed")
        bench.at("2026-11-28T10:05:00Z")
        try await bench.evaluate()
        #expect(try await bench.alerts().map(\.fireTime) == [date("2026-11-28T10:00:00Z")])
    }

    @Test func aRunOpenAcrossAPauseIsWatchedAgainAfterTheResume() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", maxRuntime: "10m")
        bench.at("2026-11-28T07:00:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart(runID: "long"))
        try await bench.evaluate()
        _ = try await bench.store.setPaused("job", true, by: .test, reason: nil)
        bench.at("2026-11-28T07:12:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome(), "paused: nothing is raised")
        _ = try await bench.store.setPaused("job", false, by: .test, reason: nil)
        bench.at("2026-11-28T07:13:00Z")
        #expect(try await bench.evaluate().longRunningAlerts == 1)
        #expect(try await bench.alerts("job", .longRunning).map(\.runID) == ["long"])
    }

    @Test func anIdleEngineStoresItsMarkOnceAMinute() async throws {
        let bench = try await Bench()
        try await bench.job("0 12 * * *")
        func mark() async throws -> String? {
            try await bench.store.read { session in
                try session.fetchOne("SELECT value FROM monitor_state WHERE key = 'alerts_checked_through'")?.text(0)
            }
        }
        try await bench.evaluate()
        #expect(try await mark() == "2026-11-28 06:00:00.000")
        bench.at("2026-11-28T06:00:30Z")
        try await bench.evaluate()
        #expect(try await mark() == "2026-11-28 06:00:00.000", "nothing due: no write")
        bench.at("2026-11-28T06:01:00Z")
        try await bench.evaluate()
        #expect(try await mark() == "2026-11-28 06:01:00.000")
    }

    @Test func deletingAJobResolvesItsAlertsAndStopsWatchingIt() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:05:00Z")
        try await bench.evaluate()
        try await bench.store.deleteJob("job")
        bench.at("2026-11-28T09:05:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome())
        let alerts = try await bench.alerts()
        #expect(alerts.count == 1 && alerts[0].resolvedAt == date("2026-11-28T07:05:00Z"))
    }

    @Test func aRestartAfterDowntimeRaisesOneIncidentWithTheRightCountAndNothingTwice() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", id: "backup", tolerance: "5m")
        try await bench.job("30 * * * *", id: "report", tolerance: "5m")
        bench.at("2026-11-28T07:05:00Z")
        try await bench.evaluate()  // backup misses 07:00, then the monitor goes down
        // report missed 06:30 too. Down from 07:06 to 10:10: backup misses 08:00, 09:00 and
        // 10:00; report 07:30, 08:30 and 09:30.
        bench.at("2026-11-28T10:10:00Z")
        let afterRestart = bench.restarted()
        #expect(try await bench.evaluate(afterRestart).missedFireTimes == 6)
        let backup = try await bench.alerts("backup")
        #expect(backup.count == 1 && backup[0].missedCount == 4)
        #expect(backup[0].lastFireTime == date("2026-11-28T10:00:00Z"))
        let report = try await bench.alerts("report")
        #expect(report.count == 1 && report[0].missedCount == 4)
        #expect(report[0].fireTime == date("2026-11-28T06:30:00Z"))
        #expect(report[0].lastFireTime == date("2026-11-28T09:30:00Z"))
        // Restarting again changes nothing.
        #expect(try await bench.evaluate(bench.restarted()) == DeadlineOutcome())
        #expect(try await bench.alerts("backup")[0].missedCount == 4)
    }

    @Test func aCrashBetweenDetectingAndRecordingNeitherLosesNorRepeats() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:05:00Z")
        try await bench.evaluate()
        // A crash after recording but before the checked-through mark was kept: the next
        // engine checks 07:00 again, and must not count it twice.
        try await bench.store.write { session in
            try session.execute("DELETE FROM monitor_state WHERE key = 'alerts_checked_through'")
        }
        #expect(try await bench.evaluate(bench.restarted()) == DeadlineOutcome())
        #expect(try await bench.alerts().map(\.missedCount) == [1])
        // A crash before recording: the alert is gone as if never written; the next engine raises it.
        try await bench.store.write { session in
            try session.execute("DELETE FROM job_alerts")
            try session.execute("DELETE FROM monitor_state WHERE key = 'alerts_checked_through'")
        }
        #expect(try await bench.evaluate(bench.restarted()).missedFireTimes == 1)
        #expect(try await bench.alerts().map(\.fireTime) == [date("2026-11-28T07:00:00Z")])
    }

    @Test func aMissRecordedLateForAJobThatRanSinceIsAlreadyResolved() async throws {
        let bench = try await Bench()
        try await bench.job("0 * * * *", tolerance: "5m")
        bench.at("2026-11-28T07:20:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())  // late: 07:00 was missed
        bench.at("2026-11-28T07:30:00Z")
        try await bench.evaluate()
        let alert = try #require(try await bench.alerts().first)
        #expect(alert.fireTime == date("2026-11-28T07:00:00Z"))
        #expect(alert.resolvedAt == date("2026-11-28T07:20:00Z"))
    }

    @Test func changesWrittenByAnotherProcessAreRead() async throws {
        let bench = try await Bench()
        try await bench.evaluate()
        // cronicle-sync --db: another connection to the same file, with its own store.
        let other = try await bench.anotherStore()
        _ = try await other.saveJob(JobDefinition(jobID: "synced", schedule: "0 7 * * *"))
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == date("2026-11-28T07:01:00Z"))
        try await other.deleteJob("synced")
        bench.at("2026-11-28T07:01:00Z")
        #expect(try await bench.evaluate() == DeadlineOutcome())
    }

    @Test func theRunningServiceNoticesAnotherProcessWithinTwoSeconds() async throws {
        let bench = try await Bench()
        let service = Task { try await bench.engine.run() }
        defer { service.cancel() }
        let other = try await bench.anotherStore()
        _ = try await other.saveJob(
            JobDefinition(jobID: "synced", schedule: "0 7 * * *", tolerance: try JobDuration(parsing: "1m")))
        bench.at("2026-11-28T07:01:00Z")
        // The service polls the change log every second of real time; the deadline itself is on the manual clock.
        var alerts: [JobAlert] = []
        for _ in 0..<20 where alerts.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            alerts = try await bench.alerts("synced")
        }
        #expect(alerts.map(\.fireTime) == [date("2026-11-28T07:00:00Z")])
    }
}
