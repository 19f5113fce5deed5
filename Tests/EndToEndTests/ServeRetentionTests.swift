import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import Testing

/// `cronicle serve --keep-runs/--keep-alerts` as a process: bad values refused before
/// anything starts, old runs removed at start-up.
@Suite(.serialized) struct ServeRetentionTests {
    @Test(arguments: [
        (["--keep-runs", "0"], "--keep-runs takes how long to keep runs, at least 1d, such as 90d", "'0'"),
        (["--keep-runs=-5d"], "--keep-runs takes how long to keep runs, at least 1d", "'-5d'"),
        (["--keep-runs", "soon"], "--keep-runs takes how long to keep runs, at least 1d", "'soon'"),
        (["--keep-alerts", "12h"], "--keep-alerts takes how long to keep resolved alerts, at least 1d", "'12h'"),
    ])
    func refusesARetentionItCannotUse(arguments: [String], message: String, found: String) async throws {
        let folder = try TemporaryFolder()
        let result = try await ProductRunner.run(
            "cronicle", ["serve", "--db", folder.url("never.db"), "--port", "0"] + arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.contains("found \(found)"), "\(result.standardError)")
        #expect(!result.standardError.contains("listening"))
        #expect(!FileManager.default.fileExists(atPath: folder.url("never.db")), "nothing was started")
    }

    @Test func refusesARetentionFromTheEnvironment() async throws {
        let folder = try TemporaryFolder()
        var environment = ProcessInfo.processInfo.environment
        environment["CRONICLE_KEEP_RUNS"] = "0"
        let result = try await ProductRunner.run(
            executable: ProductRunner.productURL("cronicle"), ["serve", "--db", folder.url("never.db"), "--port", "0"],
            environment: environment)
        #expect(result.status == 64)
        #expect(result.standardError.contains("CRONICLE_KEEP_RUNS takes how long to keep runs, at least 1d"))
        #expect(!FileManager.default.fileExists(atPath: folder.url("never.db")))
    }

    /// A database with runs 100 days old: `serve --keep-runs 90d` removes them at start-up,
    /// keeps the job's last run, and says so in its log.
    @Test func removesOldRunsAtStartUp() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("old.db")
        let clock = ManualClock(Date().addingTimeInterval(-100 * 86_400))
        do {
            let store = try MonitorStore(path: path, clock: clock)
            _ = try await store.saveJob(JobDefinition(jobID: "nightly", schedule: "@daily"))
            for index in 0..<3 {
                _ = try await store.endRun(.id("nightly"), RunEnd(runID: "old-\(index)", exitCode: 0))
                clock.advance(by: 60)
            }
            _ = try await store.recordDeadlines([], runs: [], checkedThrough: Date())
            try store.close()
        }
        let server = try RunningProduct("cronicle", ["serve", "--db", path, "--port", "0", "--keep-runs", "90d"])
        let removed = try await server.waitForError(matching: "retention: removed ([0-9]+) runs")
        #expect(try await server.stop(signal: SIGTERM) == 0)
        #expect(removed == "2", "\(server.standardError)")
        let left = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT run_id FROM job_runs")
        }
        #expect(left == ["old-2"], "the job's last run stays")
    }
}
