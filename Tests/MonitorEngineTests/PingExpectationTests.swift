import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// The deadlines of DESIGN.md §10.3 on a manual clock: `every` (interval jobs), `expect:
/// end` and `watch_from: first_run`, with the status the API derives from them.
@Suite struct PingExpectationTests {
    typealias Bench = AlertEngineTests.Bench

    static func save(_ bench: Bench, _ definition: JobDefinition) async throws {
        _ = try await bench.store.saveJob(definition)
    }

    static func every(_ text: String, tolerance: String = "1m") throws -> JobDefinition {
        JobDefinition(
            jobID: "job", schedule: nil, every: try JobDuration(parsing: text),
            tolerance: try JobDuration(parsing: tolerance))
    }

    @Test func anIntervalJobIsDueEveryAfterCreationThenAfterEachPing() async throws {
        let bench = try await Bench()  // 06:00
        try await Self.save(bench, try Self.every("10m"))
        bench.at("2026-11-28T06:10:59Z")
        #expect(try await bench.evaluate().missedFireTimes == 0, "due 06:10, tolerance until 06:11")
        var status = try await bench.store.status(jobID: "job")
        #expect(status.state == .late)
        #expect(status.nextFireTime == AlertEngineTests.date("2026-11-28T06:10:00Z"))
        bench.at("2026-11-28T06:11:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1)
        #expect(try await bench.alerts().map(\.kind) == [.missedJob])
        // A ping resolves it and moves the next expected time to 10 minutes after it.
        bench.at("2026-11-28T06:15:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        #expect(try await bench.alerts().first?.resolvedAt != nil)
        status = try await bench.store.status(jobID: "job")
        #expect(status.state == .running)
        #expect(status.nextFireTime == AlertEngineTests.date("2026-11-28T06:25:00Z"))
        #expect(status.deadline == AlertEngineTests.date("2026-11-28T06:26:00Z"))
        // Pings every 8 minutes keep it quiet; the engine follows the latest one.
        for minute in ["06:23", "06:31", "06:39"] {
            bench.at("2026-11-28T\(minute):00Z")
            _ = try await bench.store.startRun(jobID: "job", RunStart())
            #expect(try await bench.evaluate().missedFireTimes == 0, "at \(minute)")
        }
        // Silent from 06:39: missed at 06:50, and the incident grows at 07:00, 07:10.
        bench.at("2026-11-28T07:11:30Z")
        #expect(try await bench.evaluate().missedFireTimes == 3)
        let alerts = try await bench.alerts()
        #expect(alerts.count == 2)
        #expect(alerts.last?.missedCount == 3)
        #expect(alerts.last?.fireTime == AlertEngineTests.date("2026-11-28T06:49:00Z"))
        // Checking again changes nothing; a restart neither.
        #expect(try await bench.evaluate().missedFireTimes == 0)
        #expect(try await bench.evaluate(bench.restarted()).missedFireTimes == 0)
    }

    /// The last ping anchors the next expected time and must not also meet it, even when
    /// the tolerance (and so the early allowance) is as long as `every`.
    @Test func theAnchoringPingDoesNotMeetTheNextExpectedTime() async throws {
        let bench = try await Bench()
        try await Self.save(bench, try Self.every("2s", tolerance: "2s"))
        bench.at("2026-11-28T06:00:01Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd(exitCode: 0))
        bench.at("2026-11-28T06:00:05Z")
        #expect(try await bench.evaluate().missedFireTimes == 1, "due 06:00:03, missed at 06:00:05")
    }

    @Test func theEngineTellsWhenToLookNext() async throws {
        let bench = try await Bench()
        try await Self.save(bench, try Self.every("1h", tolerance: "5m"))
        bench.at("2026-11-28T06:30:00Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd(exitCode: 0))
        bench.at("2026-11-28T07:05:00Z")
        try await bench.evaluate()
        #expect(await bench.engine.nextDeadline == AlertEngineTests.date("2026-11-28T07:35:00Z"))
    }

    @Test func expectEndIsMetByAnEndNotByAStart() async throws {
        let bench = try await Bench()
        try await Self.save(
            bench,
            JobDefinition(jobID: "job", schedule: "0 * * * *", tolerance: JobDuration(seconds: 300), expect: .end))
        bench.at("2026-11-28T07:01:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart(runID: "r1"))
        bench.at("2026-11-28T07:05:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1, "a start alone does not meet 07:00")
        bench.at("2026-11-28T07:06:00Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd(runID: "r1", exitCode: 0))
        #expect(try await bench.alerts().first?.resolvedAt != nil, "the end resolves it")
        bench.at("2026-11-28T08:04:00Z")
        _ = try await bench.store.endRun(jobID: "job", RunEnd(exitCode: 0))
        bench.at("2026-11-28T08:05:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 0, "an end by 08:05 meets 08:00")
        #expect(try await bench.alerts().count == 1)
    }

    @Test func firstRunWatchesNothingBeforeTheFirstPing() async throws {
        let bench = try await Bench()
        try await Self.save(
            bench, JobDefinition(jobID: "job", schedule: "0 * * * *", watchFrom: .firstRun))
        bench.at("2026-11-28T09:30:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 0, "07:00, 08:00, 09:00 came before any ping")
        #expect(try await bench.store.status(jobID: "job").state == .new)
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T10:06:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1, "10:00 after the first ping is expected")
        #expect(try await bench.store.status(jobID: "job").state == .missed)
    }

    /// The monitor was down (or idle) across the first ping: the fire times before it are
    /// still not missed, those after it are.
    @Test func fireTimesBeforeAFirstPingSeenLateAreNotMissed() async throws {
        let bench = try await Bench()
        try await Self.save(
            bench, JobDefinition(jobID: "job", schedule: "0 * * * *", watchFrom: .firstRun))
        bench.at("2026-11-28T09:30:00Z")
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T11:06:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 2, "10:00 and 11:00, in one incident; 07:00-09:00 not")
        #expect(try await bench.alerts().first?.missedCount == 2)
        #expect(try await bench.alerts().first?.fireTime == AlertEngineTests.date("2026-11-28T10:00:00Z"))
    }

    @Test func anIntervalJobWatchedFromItsFirstPing() async throws {
        let bench = try await Bench()
        var definition = try Self.every("10m")
        definition.watchFrom = .firstRun
        try await Self.save(bench, definition)
        bench.at("2026-11-28T08:00:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 0)
        _ = try await bench.store.startRun(jobID: "job", RunStart())
        bench.at("2026-11-28T08:11:00Z")
        #expect(try await bench.evaluate().missedFireTimes == 1)
    }
}
