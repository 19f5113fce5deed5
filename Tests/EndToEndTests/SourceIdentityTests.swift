import CronicleTestSupport
import Foundation
import MonitorTestSupport
import Testing

/// DESIGN 12 through the commands: whose jobs an apply touches, credentials kept out of
/// everything stored, logged or shown, refusals of what would lose jobs, and commands
/// that must not create a database.
@Suite struct SourceIdentityTests {
    static let token = "ghp_Zx9s3cr3tT0ken"

    static func sync(_ arguments: [String], in folder: String? = nil) async throws -> ProductRunner.Result {
        try await ProductRunner.run("cronicle-sync", arguments, in: folder)
    }

    /// A work tree cloned (as far as its remote says) from `origin`, with `jobs` in jobs.d.
    static func workTree(origin: String, jobs: [String]) async throws -> FixtureRepository {
        let repository = try await FixtureRepository()
        try await repository.git("remote", "add", "origin", origin)
        for id in jobs { try repository.write("jobs.d/\(id).yaml", "job_id: \(id)\nschedule: \"@daily\"\n") }
        try await repository.commit("jobs")
        return repository
    }

    /// The report: two repositories applying `--dir jobs.d`, as the CI examples
    /// do, against one monitor, deleted each other's jobs. Now each is its origin and
    /// folder, `--repo` on the same clone is the same source, and neither touches the other.
    @Test func twoWorkTreesNeverTouchEachOthersJobs() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        let teamA = try await Self.workTree(
            origin: "https://bot:\(Self.token)@git.example.com/acme/team-a.git", jobs: ["a_job"])
        let teamB = try await Self.workTree(origin: "git@git.example.com:acme/team-b.git", jobs: ["b_job"])

        var result = try await Self.sync(["apply", "--dir", "jobs.d", "--db", database], in: teamA.path)
        #expect(result.status == 1, "no database yet, and no --init")
        #expect(result.standardError.contains("the database \(database) does not exist"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: database), "nothing created")
        result = try await Self.sync(["apply", "--init", "--dir", "jobs.d", "--db", database], in: teamA.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("jobs.d at "))
        #expect(result.standardOutput.contains("(main) of https://git.example.com/acme/team-a.git"))

        result = try await Self.sync(["plan", "--dir", "jobs.d", "--db", database], in: teamB.path)
        #expect(result.standardOutput.contains("+ create b_job"))
        #expect(!result.standardOutput.contains("- delete"), "team B's plan leaves team A's job alone")
        #expect(result.standardOutput.contains("0 to delete"))
        #expect(try await Self.sync(["apply", "--dir", "jobs.d", "--db", database], in: teamB.path).status == 0)

        // A job with team A's id in team B is a conflict naming team A's source.
        try teamB.write("jobs.d/a_job.yaml", "job_id: a_job\nschedule: \"@hourly\"\n")
        result = try await Self.sync(["plan", "--dir", "jobs.d", "--db", database], in: teamB.path)
        #expect(result.status == 1)
        #expect(
            result.standardOutput.contains(
                "job 'a_job' is synced from another source, git.example.com/acme/team-a#jobs.d; apply "
                    + "with --adopt"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("+changes"), "team B's tree has a file not committed")
        try teamB.remove("jobs.d/a_job.yaml")

        // --repo on team A's clone is the same source as --dir in it, with the token in
        // the URL or without, and so is the address CI would clone.
        result = try await Self.sync(["plan", "--repo", teamA.path, "--db", database, "--detailed-exitcode"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("No changes"), "\(result.standardOutput)")
        // A folder outside any work tree says whose jobs it holds, or is refused.
        let plain = try TemporaryFolder()
        try plain.write("jobs.d/c_job.yaml", "job_id: c_job\nschedule: \"@daily\"\n")
        result = try await Self.sync(["apply", "--db", database], in: plain.path)
        #expect(result.status == 1)
        #expect(
            result.standardError
                == "error: jobs.d is not inside a git work tree, so nothing tells its jobs from another folder's: "
                + "name them with --source NAME (such as --source ops-jobs), the same on every apply\n")
        result = try await Self.sync(["apply", "--source", "ops-c", "--db", database], in: plain.path)
        #expect(result.status == 0, "\(result.standardError)")
        let ids = try Set(SyncCommandTests.jobs(database).keys)
        #expect(ids == ["a_job", "b_job", "c_job"])

        // Nothing of the token is in the file, the status, the API or the pages.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(bytes.range(of: Data(Self.token.utf8)) == nil, "the token is not in the database")
        let status = try await Self.sync(["status", "--db", database])
        #expect(!status.standardOutput.contains(Self.token) && status.standardOutput.contains("team-a.git"))
        let server = try RunningProduct("cronicle", ["serve", "--db", database, "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let client = ContractClient(port: Int(port)!)
        for path in ["/jobs/a_job", "/sync/history", "/ui/jobs/a_job", "/ui/sync", "/jobs"] {
            let text = try await client.request("GET", path).text
            #expect(!text.contains(Self.token), "\(path) shows the token")
            #expect(text.contains("team-a.git"), "\(path) names the repository")
        }
        let job = try await client.request("GET", "/jobs/a_job").object()
        #expect(
            (job["source"] as? [String: Any])?["identity"] as? String
                == "git.example.com/acme/team-a#jobs.d")
        #expect(try await server.stop() == 0)
        #expect(!server.standardError.contains(Self.token))
    }

    /// `watch` logs what it reads on every line: never the token of the URL it was given.
    @Test func watchNeverLogsTheTokenOfItsURL() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        let watcher = try RunningProduct(
            "cronicle-sync",
            [
                "watch", "--init", "--repo", "https://bot:\(Self.token)@127.0.0.1:1/acme/jobs.git", "--db", database,
                "--interval", "1s", "--cache-dir", folder.url("cache"),
            ])
        let failed = try await watcher.waitForError(matching: "cannot sync: (.*)")
        #expect(failed != nil, "\(watcher.standardError)")
        #expect(watcher.standardError.contains("watching https://127.0.0.1:1/acme/jobs.git every 1s"))
        #expect(try await watcher.stop() == 0)
        #expect(!watcher.standardError.contains(Self.token), "\(watcher.standardError)")
    }

    /// plan and status open the database read-only: a mistyped path is an error and no
    /// file appears; --init belongs to apply and watch.
    @Test func readOnlyCommandsLeaveNoFileBehind() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")
        let typo = folder.url("cronicel.db")
        for arguments in [
            ["plan", "--source", "ops", "--db", typo], ["status", "--db", typo],
            ["apply", "--source", "ops", "--db", typo],
        ] {
            let result = try await Self.sync(arguments, in: folder.path)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains("the database \(typo) does not exist"), "\(result.standardError)")
        }
        let refused = try await Self.sync(["plan", "--init", "--source", "ops", "--db", typo], in: folder.path)
        #expect(refused.status == 64)
        #expect(
            refused.standardError.contains(
                "--init is for apply and watch; plan and status never create or change a database"))
        let contents = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(contents == ["jobs.d"], "no database, journal or log file: \(contents)")
    }

    /// An empty folder and a mass delete are refused, said in words, and allowed when asked.
    @Test func emptySourcesAndMassDeletesAreRefusedUnlessAllowed() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        for id in ["a", "b", "c"] { try folder.write("jobs.d/\(id).yaml", "job_id: \(id)\nschedule: \"@daily\"\n") }
        let base = ["--source", "ops", "--db", database]
        #expect(try await Self.sync(["apply", "--init"] + base, in: folder.path).status == 0)
        for id in ["a", "b", "c"] { try FileManager.default.removeItem(atPath: folder.url("jobs.d/\(id).yaml")) }

        var result = try await Self.sync(["validate", "jobs.d"], in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError.contains("jobs.d holds no job, channel or window"), "\(result.standardError)")
        #expect(try await Self.sync(["validate", "--allow-empty", "jobs.d"], in: folder.path).status == 0)
        result = try await Self.sync(["apply"] + base, in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.standardOutput.contains(
                "! refused: jobs.d defines no job, channel or window; if the source really is empty now, apply with "
                    + "--allow-empty (which deletes its 3 job(s))"), "\(result.standardOutput)")
        #expect(try SyncCommandTests.jobs(database).count == 3, "nothing deleted")

        try folder.write("jobs.d/d.yaml", "job_id: d\nschedule: \"@daily\"\n")
        result = try await Self.sync(["apply"] + base, in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.standardOutput.contains(
                "! refused: this apply would delete every job of ops (3); if that is meant, apply with "
                    + "--allow-mass-delete"), "\(result.standardOutput)")
        #expect(try SyncCommandTests.jobs(database).count == 3)
        result = try await Self.sync(["apply", "--allow-mass-delete"] + base, in: folder.path)
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(try Set(SyncCommandTests.jobs(database).keys) == ["d"])
        let history = try await Self.sync(["status", "--db", database])
        #expect(history.standardOutput.contains("failed   jobs.d (source ops)"), "\(history.standardOutput)")
    }
}
