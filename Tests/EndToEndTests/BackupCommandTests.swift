import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import Synchronization
import Testing

/// `cronicle backup` against a live `cronicle serve` under a load of pings.
@Suite(.serialized) struct BackupCommandTests {
    /// Run ids whose start was answered 201, written by the ping loops.
    final class Answered: Sendable {
        let runIDs = Mutex<[String]>([])
        let stop = Mutex(false)
    }

    @Test func aBackupDuringPingsHoldsEveryRunAnsweredBeforeItAndPassesIntegrityCheck() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("live.db")
        let copy = folder.url("copy.db")
        let server = try RunningProduct("cronicle", ["serve", "--db", database, "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let client = try ContractClient(port: port)
        let created = try await client.request(
            "POST", "/jobs", body: Data("{\"job_id\": \"load\", \"schedule\": \"@daily\"}".utf8))
        #expect(created.status == 201)
        let answered = Answered()
        let loops = (0..<4).map { loop in
            Task {
                var index = 0
                while !answered.stop.withLock({ $0 }) {
                    let runID = "loop-\(loop)-\(index)"
                    let start = try await client.request(
                        "POST", "/jobs/load/start", body: Data("{\"run_id\": \"\(runID)\"}".utf8))
                    if start.status == 201 { answered.runIDs.withLock { $0.append(runID) } }
                    _ = try await client.request(
                        "POST", "/jobs/load/end", body: Data("{\"run_id\": \"\(runID)\", \"exit_code\": 0}".utf8))
                    index += 1
                }
            }
        }
        while answered.runIDs.withLock({ $0.count }) < 200 { try await Task.sleep(for: .milliseconds(10)) }
        let before = Set(answered.runIDs.withLock { $0 })
        let result = try await ProductRunner.run("cronicle", ["backup", "--db", database, "--to", copy])
        let after = answered.runIDs.withLock { $0.count }
        answered.stop.withLock { $0 = true }
        for loop in loops { try await loop.value }
        #expect(try await server.stop(signal: SIGTERM) == 0)

        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("job_runs"), "\(result.standardOutput)")
        #expect(after > before.count, "pings went on while the backup ran")
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"), "one file to keep")
        let queue = try DatabaseQueue(path: copy)
        #expect(try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        let stored = Set(try await queue.read { db in try String.fetchAll(db, sql: "SELECT run_id FROM job_runs") })
        #expect(before.subtracting(stored).isEmpty, "every start answered before the backup is in the copy")
        try queue.close()
        // The copy is a database this build's server opens as it is.
        let store = try MonitorStore(path: copy, mode: .readOnly)
        #expect(try await store.job("load") != nil)
    }

    @Test func refusesToOverwriteWithoutForceAndNamesAMissingDatabase() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("monitor.db")
        _ = try MonitorStore(path: database)
        try folder.write("existing.db", "precious")
        let refused = try await ProductRunner.run(
            "cronicle", ["backup", "--db", database, "--to", folder.url("existing.db")])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("already exists; give a new file with --to, or add --force"))
        #expect(try String(contentsOfFile: folder.url("existing.db"), encoding: .utf8) == "precious")

        let forced = try await ProductRunner.run(
            "cronicle", ["backup", "--db", database, "--to", folder.url("existing.db"), "--force"])
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(forced.standardOutput.contains("0 job_configs, 0 job_runs"), "\(forced.standardOutput)")

        let missing = try await ProductRunner.run(
            "cronicle", ["backup", "--db", folder.url("missing.db"), "--to", folder.url("new.db")])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("the database \(folder.url("missing.db")) does not exist"))
        #expect(!FileManager.default.fileExists(atPath: folder.url("new.db")))
    }
}
