import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import Testing

/// `skip` windows on a manual clock (DESIGN 11.3): fire times inside are not expected,
/// the ones around them still are, and a recurring window follows its zone's clock.
@Suite struct MaintenanceWindowTests {
    typealias Bench = AlertEngineTests.Bench

    /// Applies `yaml` (jobs and windows) as a repository's definitions.
    static func apply(_ bench: Bench, _ files: [(String, String)]) async throws {
        let report = try await bench.store.applySync(
            files: files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) },
            source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abc"))
        #expect(report.failure == nil, "\(report.formatted())")
    }

    @Test func aSkipWindowSwallowsTheFireTimesInsideIt() async throws {
        let bench = try await Bench("2026-11-28T06:00:00Z")
        try await Self.apply(
            bench,
            [
                ("jobs.d/etl.yaml", "job_id: etl\nschedule: \"0 * * * *\"\ntolerance: 5m\ntags: [db]\n"),
                ("jobs.d/other.yaml", "job_id: other\nschedule: \"0 * * * *\"\ntolerance: 5m\n"),
                (
                    "jobs.d/windows.yaml",
                    "window: upgrade\nstart: 2026-11-28T06:30:00Z\nend: 2026-11-28T08:30:00Z\nmatch: {tags: [db]}\n"
                        + "mode: skip\n"
                ),
            ])
        bench.at("2026-11-28T09:10:00Z")
        try await bench.evaluate()
        let alerts = try await bench.alerts("etl", .missedJob)
        #expect(alerts.count == 1)
        #expect(alerts.first?.fireTime == AlertEngineTests.date("2026-11-28T09:00:00Z"), "07:00 and 08:00 skipped")
        #expect(alerts.first?.missedCount == 1)
        // A job the window does not cover misses every hour.
        #expect(try await bench.alerts("other", .missedJob).first?.missedCount == 3)
    }

    /// New York springs forward on 2026-03-08: the window `0 2 * * *` for 1h opens at
    /// 07:00Z on the 7th (EST), at 07:00Z on the 8th (03:00 EDT, the first minute after
    /// the gap) and at 06:00Z on the 9th (EDT). A job at 06:30Z is inside it only on the 9th.
    @Test func aRecurringWindowFollowsItsZoneAcrossADaylightSavingChange() async throws {
        let bench = try await Bench("2026-03-06T07:00:00Z")
        try await Self.apply(
            bench,
            [
                ("jobs.d/etl.yaml", "job_id: etl\nschedule: \"30 6 * * *\"\ntolerance: 5m\n"),
                (
                    "jobs.d/windows.yaml",
                    "window: nightly\nschedule: \"0 2 * * *\"\nduration: 1h\ntimezone: America/New_York\nmode: skip\n"
                ),
            ])
        bench.at("2026-03-09T08:00:00Z")
        try await bench.evaluate()
        let alert = try #require(try await bench.alerts("etl", .missedJob).first)
        #expect(alert.fireTime == AlertEngineTests.date("2026-03-07T06:30:00Z"))
        #expect(alert.lastFireTime == AlertEngineTests.date("2026-03-08T06:30:00Z"), "the 9th's is inside the window")
        #expect(alert.missedCount == 2)
    }

    /// `cronicle-sync apply --db` writes windows from another process while the engine
    /// keeps them in memory: the next deadline sees the new window.
    @Test func aWindowAppliedThroughAnotherStoreIsSeenAtTheNextDeadline() async throws {
        let bench = try await Bench("2026-11-28T06:00:00Z")
        let job = ("jobs.d/etl.yaml", "job_id: etl\nschedule: \"0 * * * *\"\ntolerance: 5m\ntags: [db]\n")
        try await Self.apply(bench, [job])
        bench.at("2026-11-28T06:30:00Z")
        try await bench.evaluate()  // the windows (none) are read and kept
        let other = try await bench.anotherStore()
        let report = try await other.applySync(
            files: [
                DefinitionFile(path: job.0, contents: Data(job.1.utf8)),
                DefinitionFile(
                    path: "jobs.d/w.yaml",
                    contents: Data(
                        "window: w\nstart: 2026-11-28T06:45:00Z\nend: 2026-11-28T07:30:00Z\nmode: skip\n".utf8)),
            ], source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abd"))
        #expect(report.failure == nil, "\(report.formatted())")
        try other.close()
        bench.at("2026-11-28T08:06:00Z")
        try await bench.evaluate()
        let alert = try #require(try await bench.alerts("etl", .missedJob).first)
        #expect(alert.fireTime == AlertEngineTests.date("2026-11-28T08:00:00Z"), "07:00 was inside the window")
        #expect(alert.missedCount == 1)
    }

    @Test func windowsArePlannedAppliedAndPrunedLikeChannels() async throws {
        let bench = try await Bench()
        let job = ("jobs.d/etl.yaml", "job_id: etl\nschedule: \"@daily\"\n")
        try await Self.apply(bench, [job, ("jobs.d/w.yaml", "window: w\nschedule: \"@daily\"\nduration: 1h\n")])
        #expect(try await bench.store.windows().map(\.name) == ["w"])
        let report = try await bench.store.planSync(
            files: [
                DefinitionFile(path: job.0, contents: Data(job.1.utf8)),
                DefinitionFile(
                    path: "jobs.d/w.yaml", contents: Data("window: w\nschedule: \"@daily\"\nduration: 2h\n".utf8)),
            ],
            source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abd"))
        let text = report.formatted()
        #expect(text.contains("~ window w  (jobs.d/w.yaml:1)\n    duration: \"1h\" → \"2h\"\n"), "\(text)")
        #expect(text.contains("; windows: 0 to create, 1 to update, 0 to delete, 0 unchanged."), "\(text)")
        try await Self.apply(bench, [job])
        #expect(try await bench.store.windows().isEmpty, "pruned with the source's other documents")
    }
}
