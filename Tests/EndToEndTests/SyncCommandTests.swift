import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `cronicle-sync plan | apply | watch | status` as processes, on real git repositories
/// made in a temporary folder, against a database file and against a running server.
@Suite struct SyncCommandTests {
    static func sync(_ arguments: String...) async throws -> ProductRunner.Result {
        try await ProductRunner.run("cronicle-sync", arguments)
    }

    static func job(_ id: String, _ schedule: String, extra: String = "") -> String {
        "job_id: \(id)\nschedule: \"\(schedule)\"\n\(extra)"
    }

    /// The jobs in a database file, by id: schedule, managed_by, source file, line and commit.
    static func jobs(_ database: String) throws -> [String: [String?]] {
        let queue = try DatabaseQueue(path: database)
        return try queue.read { db in
            var jobs: [String: [String?]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT job_id, schedule, managed_by, source_file, source_line, source_commit FROM job_configs")
            {
                jobs[row[0]] = [row[1], row[2], row[3], (row[4] as Int?).map(String.init), row[5]]
            }
            return jobs
        }
    }

    @Test func planAndStatusRefuseAMissingDatabaseAndCreateNothing() async throws {
        let repository = try await FixtureRepository()
        try repository.write("jobs.d/backup.yaml", Self.job("backup", "0 0 * * *"))
        _ = try await repository.commit("one job")
        let typo = repository.folder.url("cronicel.db")
        for arguments in [["plan", "--repo", repository.path, "--db", typo], ["status", "--db", typo]] {
            let result = try await ProductRunner.run("cronicle-sync", arguments)
            #expect(result.status == 1)
            #expect(result.standardError.contains("the database \(typo) does not exist"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: typo), "nothing was created")
        }
        // A file that is not the monitor's database is refused too, and left as it was.
        try repository.folder.write("notes.db", "not a database\n")
        let notes = repository.folder.url("notes.db")
        let result = try await Self.sync("plan", "--repo", repository.path, "--db", notes)
        #expect(result.status == 1)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "not a database\n")
    }

    @Test func planOpensTheDatabaseReadOnly() async throws {
        let repository = try await FixtureRepository()
        try repository.write("jobs.d/backup.yaml", Self.job("backup", "0 0 * * *"))
        _ = try await repository.commit("one job")
        let database = repository.folder.url("cronicle.db")
        #expect(try await Self.sync("apply", "--init", "--repo", repository.path, "--db", database).status == 0)
        // A read-only file can be planned against, and nothing is written to it.
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let result = try await Self.sync("plan", "--repo", repository.path, "--db", database, "--detailed-exitcode")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("No changes: the monitor matches the definitions (1 jobs)."))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(try await Self.sync("status", "--db", database).standardOutput.contains("In force:"))
    }

    @Test func planThenApplyEachCommitAndShowTheHistory() async throws {
        let repository = try await FixtureRepository()
        let database = repository.folder.url("cronicle.db")
        _ = try MonitorStore(path: database)
        try repository.write("jobs.d/backup.yaml", Self.job("backup", "0 0 * * *"))
        try repository.write("jobs.d/report.yaml", "# reports\n---\n" + Self.job("report", "0 6 * * *"))
        let first = try await repository.commit("two jobs")

        var result = try await Self.sync("plan", "--repo", repository.path, "--db", database, "--detailed-exitcode")
        #expect(result.status == 2, "changes: \(result.standardError)")
        #expect(result.standardOutput.contains("+ create backup  (jobs.d/backup.yaml:1)"))
        #expect(result.standardOutput.contains("+ create report  (jobs.d/report.yaml:3)"))
        #expect(result.standardOutput.contains("Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged."))
        #expect(try Self.jobs(database).isEmpty, "plan changes nothing")

        result = try await Self.sync("apply", "--init", "--repo", repository.path, "--db", database)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Applied: 2 created, 0 updated, 0 deleted, 0 unchanged."))
        #expect(try Self.jobs(database)["report"] == ["0 6 * * *", "sync", "jobs.d/report.yaml", "3", first])

        // Create, update and delete in one commit.
        try repository.write("jobs.d/report.yaml", "# reports\n---\n" + Self.job("report", "30 6 * * *"))
        try repository.remove("jobs.d/backup.yaml")
        try repository.write("jobs.d/cleanup.yaml", Self.job("cleanup", "@weekly", extra: "tolerance: 15\n"))
        let second = try await repository.commit("move the report, replace backup by cleanup")
        result = try await Self.sync("plan", "--repo", repository.path, "--db", database, "--detailed-exitcode")
        #expect(result.status == 2)
        #expect(result.standardOutput.contains("+ create cleanup  (jobs.d/cleanup.yaml:1)"))
        #expect(result.standardOutput.contains("    tolerance: \"15m\"\n"), "durations as people write them")
        #expect(
            result.standardOutput.contains(
                "~ update report  (jobs.d/report.yaml:3)\n    schedule: \"0 6 * * *\" → \"30 6 * * *\"\n"))
        #expect(result.standardOutput.contains("- delete backup  (was jobs.d/backup.yaml:1 at \(first.prefix(12)))"))
        result = try await Self.sync("apply", "--init", "--repo", repository.path, "--db", database)
        #expect(result.status == 0)
        let jobs = try Self.jobs(database)
        #expect(Set(jobs.keys) == ["report", "cleanup"])
        #expect(jobs["report"]?[4] == second, "an updated job names the commit that changed it")

        result = try await Self.sync("plan", "--repo", repository.path, "--db", database, "--detailed-exitcode")
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("No changes: the monitor matches the definitions (2 jobs)."))

        result = try await Self.sync("status", "--db", database)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(
            lines.first
                == "In force: jobs.d at \(second.prefix(12)) (main) of \(repository.path), applied \(lines.count > 1 ? lines[1].prefix(24) : "")"
        )
        #expect(
            result.standardOutput.contains(
                "applied  jobs.d at \(second.prefix(12)) (main) of \(repository.path): 1 created, 1 updated, 1 deleted, 0 unchanged"
            ))
        #expect(
            result.standardOutput.contains(
                "applied  jobs.d at \(first.prefix(12)) (main) of \(repository.path): 2 created, 0 updated, 0 deleted, 0 unchanged"
            ))
    }

    @Test func branchesAndTagsAreRefsLikeAnyOther() async throws {
        let repository = try await FixtureRepository()
        let database = repository.folder.url("cronicle.db")
        try repository.write("jobs.d/a.yaml", Self.job("a", "@daily"))
        try await repository.commit("a")
        try await repository.git("tag", "v1")
        try await repository.git("checkout", "--quiet", "-b", "feature")
        try repository.write("jobs.d/b.yaml", Self.job("b", "@hourly"))
        try await repository.commit("b on a branch")
        #expect(
            try await Self.sync("apply", "--init", "--repo", repository.path, "--ref", "feature", "--db", database)
                .status == 0)
        #expect(Set(try Self.jobs(database).keys) == ["a", "b"])
        #expect(
            try await Self.sync("apply", "--init", "--repo", repository.path, "--ref", "v1", "--db", database).status
                == 0)
        #expect(Set(try Self.jobs(database).keys) == ["a"])
    }

    @Test func anInvalidCommitChangesNothingAndIsRecordedWithItsReason() async throws {
        let repository = try await FixtureRepository()
        let database = repository.folder.url("cronicle.db")
        try repository.write("jobs.d/a.yaml", Self.job("a", "@daily"))
        try await repository.commit("a")
        #expect(try await Self.sync("apply", "--init", "--repo", repository.path, "--db", database).status == 0)
        let before = try Self.jobs(database)

        try repository.write("jobs.d/a.yaml", Self.job("a", "61 * * * *"))
        try repository.write("jobs.d/b.yaml", Self.job("b", "@hourly"))
        try await repository.commit("a bad minute")
        let result = try await Self.sync("apply", "--init", "--repo", repository.path, "--db", database)
        #expect(result.status == 1)
        #expect(
            result.standardOutput.contains(
                "jobs.d/a.yaml:2:12: error: minute value 61 is out of range 0-59 [cron-syntax]"))
        #expect(result.standardOutput.contains("nothing was changed"))
        #expect(try Self.jobs(database) == before)
        let status = try await Self.sync("status", "--db", database).standardOutput
        #expect(status.contains("failed   jobs.d at"))
        #expect(
            status.contains("1 error(s) in the job definitions; the first: jobs.d/a.yaml:2:12: error: minute value 61"))
        #expect(status.hasPrefix("In force: jobs.d at"), "the last good apply stays in force")
    }

    @Test func duplicateIdsAcrossFilesStopTheApply() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/one.yaml", Self.job("same", "@daily"))
        try folder.write("jobs.d/two.yaml", Self.job("same", "@hourly"))
        let result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--init", "--db", folder.url("cronicle.db")], in: folder.path
        )
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("[duplicate-job-id]"))
        #expect(try Self.jobs(folder.url("cronicle.db")).isEmpty)
    }

    @Test func aJobMadeThroughTheAPIIsAConflictUnlessAdopted() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        let store = try MonitorStore(path: database)
        _ = try await store.saveJob(.init(jobID: "shared", schedule: "@daily"))
        _ = try await store.saveJob(.init(jobID: "mine", schedule: "@hourly"))
        try folder.write("jobs.d/shared.yaml", Self.job("shared", "0 3 * * *"))

        var result = try await ProductRunner.run(
            "cronicle-sync", ["plan", "--source", "test", "--db", database], in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("! conflict shared  (jobs.d/shared.yaml:1)"))
        #expect(result.standardOutput.contains("job 'shared' was made through the API; apply with --adopt"))
        result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path)
        #expect(result.status == 1)
        #expect(try Self.jobs(database)["shared"]?[0] == "@daily")

        result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database, "--adopt"], in: folder.path)
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.contains("    managed_by: \"api\" → \"sync\""))
        #expect(try Self.jobs(database)["shared"]?[0...2] == ["0 3 * * *", "sync", "jobs.d/shared.yaml"])
        #expect(try Self.jobs(database)["mine"]?[1] == "api", "sync never prunes a job the API made")

        // Now read-only through the API: 409 naming the file to change.
        await #expect(throws: MonitorError.self) {
            _ = try await store.saveJob(.init(jobID: "shared", schedule: "@daily"))
        }
        do {
            try await store.deleteJob("shared")
            Issue.record("a synced job was deleted through the API")
        } catch let error as MonitorError {
            #expect(error.code == .managedBySync)
            #expect(error.message.contains("jobs.d/shared.yaml:1"))
        }
    }

    /// Issue 19: plans are posted on pull requests, and printed values came out raw, so
    /// a description could clear the reader's terminal or forge lines of the plan.
    @Test func planPrintsTerminalEscapesAndLineBreaksEscaped() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        let nasty = #""wipe\e[2J\n+ create forged""#
        try folder.write("jobs.d/a.yaml", Self.job("a", "@daily", extra: "description: \(nasty)\ntags: [\(nasty)]\n"))
        try folder.write("jobs.d/\u{1B}[2J.yaml", Self.job("b", "@daily"))
        _ = try MonitorStore(path: database)

        var result = try await ProductRunner.run(
            "cronicle-sync", ["plan", "--source", "test", "--db", database], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardOutput.contains(
                #"jobs.d/\u{1B}[2J.yaml:1:9: warning: file name '\u{1B}[2J' does not match job_id 'b'"#))
        #expect(
            result.standardOutput.contains(
                #"""
                + create a  (jobs.d/a.yaml:1)
                    description: "wipe\u{1B}[2J\n+ create forged"
                """#))
        #expect(result.standardOutput.contains(#"    tags: ["wipe\u{1B}[2J\n+ create forged"]"# + "\n"))
        #expect(result.standardOutput.contains(#"+ create b  (jobs.d/\u{1B}[2J.yaml:1)"#))
        #expect(!result.standardOutput.contains("\u{1B}"), "no raw escape")
        #expect(!result.standardOutput.contains("\n+ create forged"), "no forged line")

        #expect(
            try await ProductRunner.run(
                "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path
            ).status == 0)
        try folder.write("jobs.d/a.yaml", Self.job("a", "@daily", extra: "description: calm\n"))
        result = try await ProductRunner.run(
            "cronicle-sync", ["plan", "--source", "test", "--db", database], in: folder.path)
        #expect(
            result.standardOutput.contains(
                #"""
                ~ update a  (jobs.d/a.yaml:1)
                    description: "wipe\u{1B}[2J\n+ create forged" → "calm"
                    tags: ["wipe\u{1B}[2J\n+ create forged"] → []
                """#), "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("\u{1B}"), "no raw escape")
    }

    /// A link out of the folder is never read. A server is sent paths and contents only,
    /// so without a stop here it took the link for an empty file, and an apply pruned the
    /// job the file used to define.
    @Test func aLinkOutOfTheFolderStopsPlanAndApplyBeforeTheServer() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/a.yaml", Self.job("a", "@daily"))
        try folder.write("jobs.d/b.yaml", Self.job("b", "@daily"))
        let server = try RunningProduct("cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let url = "http://127.0.0.1:\(port)"
        var result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--server", url], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")

        try folder.write("shared/b.yaml", Self.job("b", "@daily"))
        try FileManager.default.removeItem(atPath: folder.url("jobs.d/b.yaml"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.url("jobs.d/b.yaml"), withDestinationPath: "../shared/b.yaml")
        for command in ["plan", "apply"] {
            result = try await ProductRunner.run(
                "cronicle-sync", [command, "--source", "test", "--server", url], in: folder.path)
            #expect(result.status == 1)
            #expect(result.standardOutput.isEmpty)
            #expect(
                result.standardError
                    == "error: jobs.d/b.yaml: a symbolic link to '../shared/b.yaml', which is outside jobs.d; links "
                    + "that leave the folder are not followed: copy the file into the folder, or point the link "
                    + "inside it [link-outside-folder]\n")
        }
        let job = try await ContractClient(port: port).request("GET", "/jobs/b").object()
        #expect(job["job_id"] as? String == "b", "not pruned")
        #expect(try await server.stop() == 0)
    }

    @Test func driftIsShownAndRestoredAndNoPruneKeepsJobs() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        try folder.write("jobs.d/a.yaml", Self.job("a", "@daily", extra: "max_runtime: 30\n"))
        try folder.write("jobs.d/b.yaml", Self.job("b", "@hourly"))
        #expect(
            try await ProductRunner.run(
                "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path
            ).status == 0)
        let queue = try DatabaseQueue(path: database)
        try await queue.write { db in
            try db.execute(sql: "UPDATE job_configs SET max_runtime_seconds = 600, paused = 1 WHERE job_id = 'a'")
        }
        var result = try await ProductRunner.run(
            "cronicle-sync", ["plan", "--source", "test", "--db", database], in: folder.path)
        #expect(
            result.standardOutput.contains(
                "~ update a  (jobs.d/a.yaml:1)\n    max_runtime: \"10m\" → \"30m\"\n    paused: true → false\n"))
        #expect(
            try await ProductRunner.run(
                "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path
            ).status == 0)
        result = try await ProductRunner.run(
            "cronicle-sync", ["plan", "--source", "test", "--db", database, "--detailed-exitcode"], in: folder.path)
        #expect(result.status == 0, "drift restored")

        try FileManager.default.removeItem(atPath: folder.url("jobs.d/b.yaml"))
        result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database, "--no-prune"], in: folder.path)
        #expect(result.standardOutput.contains("Applied: 0 created, 0 updated, 0 deleted, 1 unchanged."))
        #expect(Set(try Self.jobs(database).keys) == ["a", "b"])
        result = try await ProductRunner.run(
            "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path)
        #expect(result.standardOutput.contains("- delete b"))
        #expect(Set(try Self.jobs(database).keys) == ["a"])
    }

    @Test func planAndApplyThroughARunningServer() async throws {
        let repository = try await FixtureRepository()
        try repository.write("jobs.d/a.yaml", Self.job("a", "@daily"))
        let commit = try await repository.commit("a")
        let server = try RunningProduct(
            "cronicle", ["serve", "--db", repository.folder.url("cronicle.db"), "--port", "0", "--api-token", "s3cret"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let url = "http://127.0.0.1:\(port)"

        var result = try await Self.sync("plan", "--repo", repository.path, "--server", url, "--format", "json")
        #expect(result.status == 1, "with a token set, plan needs it too")
        #expect(result.standardError.contains("(HTTP 401, unauthorized)"), "\(result.standardError)")
        result = try await Self.sync(
            "plan", "--repo", repository.path, "--server", url, "--format", "json", "--token", "s3cret")
        #expect(result.status == 0, "\(result.standardError)")
        let plan = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let creates = (plan?["plan"] as? [String: Any])?["creates"] as? [[String: Any]]
        #expect(creates?.first?["job_id"] as? String == "a")

        result = try await Self.sync("apply", "--repo", repository.path, "--server", url)
        #expect(result.status == 1)
        #expect(
            result.standardError.contains(
                "needs a key: pass --token with a key from `cronicle keys create` (or the server's API token), or set "
                    + "CRONICLE_API_TOKEN (HTTP 401, unauthorized)"),
            "\(result.standardError)")
        result = try await Self.sync("apply", "--repo", repository.path, "--server", url, "--token", "stale")
        #expect(result.status == 1)
        #expect(
            result.standardError.contains(
                "refused the key given (--token or CRONICLE_API_TOKEN): the key sent is not one of this monitor's "
                    + "keys (nor its --api-token)"), "a wrong token is told apart from a missing one")
        result = try await Self.sync("apply", "--repo", repository.path, "--server", url, "--token", "s3cret")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Applied: 1 created"))

        let job = try await ContractClient(port: port).request("GET", "/jobs/a").object()
        #expect(job["managed_by"] as? String == "sync")
        #expect((job["source"] as? [String: Any])?["commit"] as? String == commit)
        result = try await Self.sync("status", "--server", url)
        #expect(result.standardOutput.contains("In force: jobs.d at \(commit.prefix(12)) (main)"))

        try repository.write("jobs.d/a.yaml", Self.job("a", "not cron"))
        try await repository.commit("broken")
        result = try await Self.sync("apply", "--repo", repository.path, "--server", url, "--token", "s3cret")
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("[cron-syntax]"))
        let records =
            try await ContractClient(port: port).request("GET", "/sync/history").object()["history"] as? [[String: Any]]
        #expect(records?.map { $0["result"] as? String } == ["failed", "applied"])
        #expect(try await server.stop() == 0)
    }

    @Test func watchAppliesEachNewCommitAndKeepsTheLastGoodState() async throws {
        let repository = try await FixtureRepository()
        let database = repository.folder.url("cronicle.db")
        try repository.write("jobs.d/a.yaml", Self.job("a", "@daily"))
        try await repository.commit("a")
        let watcher = try RunningProduct(
            "cronicle-sync", ["watch", "--init", "--repo", repository.path, "--db", database, "--interval", "1s"])
        func waitFor(_ condition: ([String: [String?]]) -> Bool) async throws -> Bool {
            for _ in 0..<100 {
                // The file exists before the watcher's first migration has made its tables.
                if let jobs = try? Self.jobs(database), condition(jobs) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await waitFor { $0.keys.contains("a") })
        try repository.write("jobs.d/b.yaml", Self.job("b", "@hourly"))
        try await repository.commit("b")
        #expect(try await waitFor { $0.keys.contains("b") }, "a new commit is applied")
        try repository.write("jobs.d/c.yaml", Self.job("c", "99 * * * *"))
        let bad = try await repository.commit("c, broken")
        #expect(try await waitFor { _ in watcher.standardError.contains("kept the last good state") })
        #expect(Set(try Self.jobs(database).keys) == ["a", "b"])
        let status = try await Self.sync("status", "--db", database).standardOutput
        #expect(status.contains("failed   jobs.d at \(bad.prefix(12))"))
        #expect(try await watcher.stop(signal: SIGTERM) == 0)
        #expect(watcher.standardError.contains("stopped"))
    }

    @Test func anApplyKilledHalfWayLeavesTheOldJobsOrTheNew() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        try folder.write("jobs.d/old.yaml", Self.job("old", "@daily"))
        #expect(
            try await ProductRunner.run(
                "cronicle-sync", ["apply", "--source", "test", "--init", "--db", database], in: folder.path
            ).status == 0)
        try FileManager.default.removeItem(atPath: folder.url("jobs.d/old.yaml"))
        for index in 0..<3000 {
            try folder.write(
                "jobs.d/team\(index % 30)/job\(index).yaml", Self.job("job\(index)", "\(index % 60) * * * *"))
        }
        var outcomes = Set<Int>()
        // The last waits for the apply to end (up to a minute: on a loaded machine, 3,000
        // jobs took longer than 10 s), so that one kill surely lands after the commit.
        for delay in [5, 40, 80, 120, 200, 300, 450, 700, 1500, 60000] {
            let apply = try SpawnedProcess(
                executable: ProductRunner.productURL("cronicle-sync").path,
                ["apply", "--source", "test", "--init", "--allow-mass-delete", "--db", database],
                directory: folder.path)
            let killAt = ContinuousClock.now + .milliseconds(delay)
            repeat {
                try await Task.sleep(for: .milliseconds(min(delay, 50)))
            } while ContinuousClock.now < killAt && apply.isRunning
            kill(apply.processIdentifier, SIGKILL)
            apply.waitUntilExit()
            let jobs = try Self.jobs(database)
            #expect(jobs.count == 1 || jobs.count == 3000, "a mix after \(delay) ms: \(jobs.count) jobs")
            if jobs.count == 3000 {
                #expect(jobs["old"] == nil)
                outcomes.insert(3000)
                // Back to the old state for the next round.
                try FileManager.default.moveItem(atPath: folder.url("jobs.d"), toPath: folder.url("all"))
                try folder.write("jobs.d/old.yaml", Self.job("old", "@daily"))
                #expect(
                    try await ProductRunner.run(
                        "cronicle-sync", ["apply", "--source", "test", "--allow-mass-delete", "--db", database],
                        in: folder.path
                    ).status == 0)
                try FileManager.default.removeItem(atPath: folder.url("jobs.d"))
                try FileManager.default.moveItem(atPath: folder.url("all"), toPath: folder.url("jobs.d"))
            } else {
                #expect(jobs["old"] != nil)
                outcomes.insert(1)
            }
        }
        #expect(outcomes == [1, 3000], "some kills land before the commit and some after: \(outcomes)")
    }
}
