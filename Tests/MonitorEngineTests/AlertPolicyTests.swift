import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// The alert policy of DESIGN 11.1 on a manual clock: runs that finish too fast, and a
/// failed alert that waits for several failures in a row.
@Suite struct AlertPolicyTests {
    typealias Bench = AlertEngineTests.Bench

    func job(_ bench: Bench, minRuntime: String? = nil, maxRuntime: String? = nil, threshold: Int = 1) async throws {
        var definition = JobDefinition(jobID: "job", schedule: "0 * * * *")
        definition.minRuntime = try minRuntime.map { try JobDuration(parsing: $0) }
        definition.maxRuntime = try maxRuntime.map { try JobDuration(parsing: $0) }
        definition.failureThreshold = threshold
        _ = try await bench.store.saveJob(definition)
    }

    /// A run of `seconds` that ends at the clock's time plus `seconds`.
    func run(_ bench: Bench, lasting seconds: TimeInterval, exitCode: Int = 0) async throws {
        let (run, _) = try await bench.store.startRun(jobID: "job", RunStart())
        bench.clock.advance(by: seconds)
        _ = try await bench.store.endRun(jobID: "job", RunEnd(runID: run.runID, exitCode: exitCode))
    }

    @Test func aRunShorterThanMinRuntimeOpensTooFastUntilARunLastsLongEnough() async throws {
        let bench = try await Bench()
        try await job(bench, minRuntime: "5m", maxRuntime: "1h")
        try await run(bench, lasting: 299)
        var alerts = try await bench.alerts("job", .tooFast)
        #expect(alerts.count == 1 && alerts[0].resolvedAt == nil && alerts[0].failureCount == 1)
        #expect(try await bench.store.status(jobID: "job").state == .tooFast)

        try await run(bench, lasting: 10)
        alerts = try await bench.alerts("job", .tooFast)
        #expect(alerts.count == 1 && alerts[0].failureCount == 2, "one incident that grows")

        // A failed run, however short, is not too fast: it is failed.
        try await run(bench, lasting: 1, exitCode: 2)
        #expect(try await bench.alerts("job", .tooFast).first?.failureCount == 2)

        // An end alone (a success ping) has no length: it neither opens nor resolves one.
        _ = try await bench.store.endRun(jobID: "job", RunEnd(exitCode: 0))
        #expect(try await bench.alerts("job", .tooFast).first?.resolvedAt == nil)

        try await run(bench, lasting: 300)
        alerts = try await bench.alerts("job", .tooFast)
        #expect(alerts.count == 1 && alerts[0].resolvedAt != nil, "a run of exactly min_runtime is long enough")
        #expect(try await bench.store.status(jobID: "job").state == .ok, "the success resolved the failure too")
    }

    @Test func aJobWithoutMinRuntimeNeverRunsTooFast() async throws {
        let bench = try await Bench()
        try await job(bench)
        try await run(bench, lasting: 0)
        #expect(try await bench.alerts("job", .tooFast).isEmpty)
    }

    @Test func aThresholdOfThreeWaitsForThreeFailuresInARow() async throws {
        let bench = try await Bench()
        try await job(bench, threshold: 3)
        // Failures interleaved with successes never reach three in a row.
        for exitCode in [1, 1, 0, 1, 0, 1, 1] {
            try await run(bench, lasting: 5, exitCode: exitCode)
        }
        #expect(try await bench.alerts("job", .failed).isEmpty)
        let below = try await bench.store.status(jobID: "job")
        #expect(below.failureStreak == 2 && below.state == .failed, "the streak shows, nothing is raised")

        let firstOfStreak = try await bench.store.runs(RunQuery(jobID: "job", page: PageRequest(page: 1, perPage: 2)))
            .items.last!.runID
        try await run(bench, lasting: 5, exitCode: 1)
        var alerts = try await bench.alerts("job", .failed)
        #expect(alerts.count == 1 && alerts[0].failureCount == 3)
        #expect(alerts[0].runID == firstOfStreak, "the incident starts at the first failure of the streak")

        try await run(bench, lasting: 5, exitCode: 1)
        #expect(try await bench.alerts("job", .failed).first?.failureCount == 4)

        try await run(bench, lasting: 5)
        alerts = try await bench.alerts("job", .failed)
        #expect(alerts.count == 1 && alerts[0].resolvedAt != nil)
        #expect(try await bench.store.status(jobID: "job").failureStreak == 0)

        // After the success the count starts again.
        try await run(bench, lasting: 5, exitCode: 1)
        try await run(bench, lasting: 5, exitCode: 1)
        #expect(try await bench.alerts("job", .failed).count == 1)
    }

    @Test func aThresholdOfOneOpensAtTheFirstFailure() async throws {
        let bench = try await Bench()
        try await job(bench)
        try await run(bench, lasting: 5, exitCode: 1)
        #expect(try await bench.alerts("job", .failed).count == 1)
    }
}
