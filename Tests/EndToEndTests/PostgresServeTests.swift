import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import MonitorTestSupport
import StorageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `cronicle serve --db postgres://...` as a process, on a database of the throwaway
/// cluster `scripts/test` starts: the seed's calls, a `kill -9`, a server that is not
/// there yet at start, and a database that goes away while pings arrive.
@Suite(
    .serialized,
    .enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable))
)
struct PostgresServeTests {
    static func serve(_ database: String) throws -> RunningProduct {
        try RunningProduct("cronicle", ["serve", "--db", database, "--port", "0", "--shutdown-grace", "2s"])
    }

    static func listening(_ server: RunningProduct) async throws -> Int {
        let port = try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)")
        return try #require(port.flatMap { Int($0) }, "the server did not start: \(server.standardError)")
    }

    @Test func theSeedsCallsWorkAndWhatWasAnsweredSurvivesKill9() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let password = try #require(url.password)
            let server = try Self.serve(url.connectionString)
            let port = try await Self.listening(server)
            let created = try await ServeFaultTests.send(
                port, "POST", "/jobs",
                #"{"job_id": "data_sync", "schedule": "0 */4 * * *", "tolerance": 15, "max_runtime": 60}"#)
            #expect(created.status == 201, "\(created.body)")
            let started = try await ServeFaultTests.send(
                port, "POST", "/jobs/data_sync/start",
                #"{"client_info": {"hostname": "worker-01", "ip": "10.0.0.100", "os": "Linux 5.15.0", "metadata": {"batch_size": 1000, "source": "prod_db"}}}"#
            )
            #expect(started.status == 201, "\(started.body)")
            let ended = try await ServeFaultTests.send(port, "POST", "/jobs/data_sync/end")
            #expect(ended.status == 200, "\(ended.body)")
            // Answered means committed: nothing of it is lost with the process.
            try await server.stop(signal: SIGKILL)

            let again = try Self.serve(url.connectionString)
            let portAgain = try await Self.listening(again)
            let runs = try await ServeFaultTests.send(portAgain, "GET", "/job_runs?page=1&per_page=10")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(runs.body.utf8)) as? [String: Any])
            let run = try #require((object["job_runs"] as? [[String: Any]])?.first)
            #expect(object["total"] as? Int == 1)
            #expect(run["status"] as? String == "succeeded")
            #expect((run["client_info"] as? [String: Any])?["hostname"] as? String == "worker-01")
            try await again.stop()
            for output in [server.standardError, again.standardError] {
                #expect(!output.contains(password), "the password was logged: \(output)")
                #expect(output.contains("database=\(url.location)"), "\(output)")
            }
        }
    }

    @Test func aServerNotThereYetIsWaitedForInWordsWithoutThePassword() async throws {
        // A port nothing listens on: PostgreSQL still starting, as far as the monitor can tell.
        let (listener, socket) = try TCPRelay.listenOnLoopback()
        close(listener)
        let database = "postgres://cronicle:s3cret-word@127.0.0.1:\(socket)/cronicle?connect_timeout=1"
        let server = try Self.serve(database)
        let first = try await server.waitForError(matching: "cannot open the database yet, trying again in (0.5s)")
        #expect(first == "0.5s", "\(server.standardError)")
        let second = try await server.waitForError(matching: "trying again in (1s)", timeout: .seconds(10))
        #expect(second == "1s", "\(server.standardError)")
        let status = try await server.stop(signal: SIGTERM)
        #expect(status != 0 || !server.isRunning)
        #expect(!server.standardError.contains("s3cret-word"), "\(server.standardError)")
        #expect(server.standardError.contains("127.0.0.1:\(socket)/cronicle"), "\(server.standardError)")
    }

    @Test func aDatabaseThatGoesAwayIsAnswered503AndTheMonitorRecoversWhenItReturns() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let server = try Self.serve(url.connectionString)
            let port = try await Self.listening(server)
            #expect(
                try await ServeFaultTests.send(port, "POST", "/jobs", #"{"job_id": "a", "schedule": "@daily"}"#).status
                    == 201)
            #expect(try await ServeFaultTests.send(port, "POST", "/jobs/a/start", #"{"run_id": "r1"}"#).status == 201)

            // The database refuses new connections and drops the monitor's.
            let admin = PostgresLane(url: try #require(TemporaryPostgresDatabase.serverURL), name: "test-outage")
            defer { admin.close() }
            try await admin.transaction(.autocommit) { session in
                try session.execute("ALTER DATABASE \(url.database) ALLOW_CONNECTIONS false")
                try session.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()",
                    [.text(url.database)])
            }
            let refused = try await ServeFaultTests.send(port, "POST", "/jobs/a/start", #"{"run_id": "r2"}"#)
            #expect(refused.status == 503, "\(refused.body)")
            #expect(refused.head.lowercased().contains("retry-after:"), "\(refused.head)")
            #expect(refused.body.contains("storage_unavailable"), "\(refused.body)")

            try await admin.transaction(.autocommit) { session in
                try session.execute("ALTER DATABASE \(url.database) ALLOW_CONNECTIONS true")
            }
            // The next request after it returns is recorded; the refused one never was.
            var status = 0
            for _ in 0..<50 where status != 201 {
                status = try await ServeFaultTests.send(port, "POST", "/jobs/a/start", #"{"run_id": "r3"}"#).status
                if status != 201 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == 201)
            let runs = try await ServeFaultTests.send(port, "GET", "/job_runs?job_id=a")
            let ids =
                ((try JSONSerialization.jsonObject(with: Data(runs.body.utf8)) as? [String: Any])?["job_runs"]
                as? [[String: Any]])?.compactMap { $0["run_id"] as? String }
            #expect(ids?.sorted() == ["r1", "r3"])
            #expect(try await server.stop() == 0, "\(server.standardError)")
            // Said once, by whichever request met the outage first: a read or a write.
            #expect(
                server.standardError.contains("cannot write the database")
                    || server.standardError.contains("cannot read the database"), "\(server.standardError)")
            #expect(server.standardError.contains("can be written again"), "\(server.standardError)")
        }
    }

    @Test func migrateCopiesAWholeHistoryAndThePostgreSQLStoreAnswersAsTheFileDid() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let clock = ManualClock("2026-11-28T06:00:00Z")
        let source = try MonitorStore(path: path, clock: clock)
        let files = [
            DefinitionFile(
                path: "jobs.d/a.yaml",
                contents: Data("job_id: nightly\nschedule: \"0 3 * * *\"\ntags: [db]\nnotify: [ops]\n".utf8)),
            DefinitionFile(
                path: "jobs.d/ops.yaml",
                contents: Data("channel: ops\ntype: webhook\nurl: http://127.0.0.1:9/hook\n".utf8)),
            DefinitionFile(
                path: "jobs.d/w.yaml",
                contents: Data(
                    "window: upgrade\nstart: 2026-12-05T02:00:00Z\nend: 2026-12-05T04:00:00Z\nmatch: {tags: [db]}\n"
                        .utf8)),
        ]
        let applied = try await source.applySync(
            files: files, source: SyncSource(repository: "https://git.example.com/ops/jobs.git", commit: "abc123"))
        #expect(applied.failure == nil, "\(applied.formatted())")
        _ = try await source.saveJob(JobDefinition(jobID: "api", schedule: "@hourly"), by: .test)
        _ = try await source.startRun(jobID: "nightly", RunStart(runID: "r1"))
        clock.set(clock.now.addingTimeInterval(90))
        _ = try await source.endRun(
            jobID: "nightly",
            RunEnd(
                runID: "r1", exitCode: 2,
                output: RunOutput(bytes: Array("disk full".utf8), receivedBytes: 9, limit: 100)))
        _ = try await source.startRun(jobID: "api", RunStart(runID: "r2"))
        _ = try await source.createKey(name: "grafana", scope: .read, jobs: [], tags: [], by: .test)
        try source.close()

        try await TemporaryPostgresDatabase.with { url in
            let migrated = try await ProductRunner.run(
                "cronicle", ["migrate", "--from", path, "--to", url.connectionString])
            #expect(migrated.status == 0, "\(migrated.standardError)")
            #expect(migrated.standardOutput.contains("every count matches"), "\(migrated.standardOutput)")
            #expect(migrated.standardOutput.contains("job_runs            2"), "\(migrated.standardOutput)")
            #expect(!(migrated.standardOutput + migrated.standardError).contains(url.password ?? "?"))
            // Into a database that holds data already: refused, nothing changed.
            let again = try await ProductRunner.run(
                "cronicle", ["migrate", "--from", path, "--to", url.connectionString])
            #expect(again.status == 1)
            #expect(again.standardError.contains("already holds Cronicle data"), "\(again.standardError)")

            let file = try MonitorStore(path: path, mode: .readOnly, clock: clock)
            let copy = try await StoreOpener.open(url.connectionString, mode: .readOnly, clock: clock)
            defer {
                try? file.close()
                try? copy.close()
            }
            let page = PageRequest(page: 1, perPage: 100)
            #expect(try await copy.jobs() == (try await file.jobs()))
            #expect(
                try await copy.runs(RunQuery(page: page)).items == (try await file.runs(RunQuery(page: page)).items))
            #expect(try await copy.runOutput("r1") == (try await file.runOutput("r1")))
            #expect(
                try await copy.alerts(AlertQuery(page: page)).items
                    == (try await file.alerts(AlertQuery(page: page)).items))
            #expect(
                try await copy.audit(AuditQuery(page: page)).items
                    == (try await file.audit(AuditQuery(page: page)).items))
            #expect(try await copy.keys() == (try await file.keys()))
            #expect(try await copy.channels() == (try await file.channels()))
            #expect(try await copy.windows() == (try await file.windows()))
            #expect(try await copy.syncHistory(page: page).items == (try await file.syncHistory(page: page).items))
            #expect(try await copy.badgeSecret() == (try await file.badgeSecret()))
            #expect(try await copy.jobStats("nightly") == (try await file.jobStats("nightly")))
            let statuses = try await copy.statuses().map { "\($0.job.jobID) \($0.status.state)" }
            #expect(statuses == (try await file.statuses().map { "\($0.job.jobID) \($0.status.state)" }))
            #expect(statuses.contains("nightly failed"), "\(statuses)")
        }
    }
}
