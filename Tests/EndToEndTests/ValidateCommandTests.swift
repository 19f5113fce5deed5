import CronicleTestSupport
import Foundation
import Testing

/// `cronicle-sync validate` as CI runs it: exit codes, formats, paths, git.
@Suite struct ValidateCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func validate(_ arguments: [String], in directory: String? = nil) async throws -> ProductRunner.Result {
        try await ProductRunner.run("cronicle-sync", ["validate"] + arguments, in: directory)
    }

    @Test func theRepositorysOwnExamplesValidateStrictly() async throws {
        let result = try await Self.validate(["--strict"], in: Self.packageRoot)
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.hasPrefix("0 errors, 0 warnings in "))
    }

    @Test func relativePathsStayRelativeAndErrorsExitOne() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/backup.yaml", "job_id: backup\ndescription: x\nschedule: \"61 * * * *\"\n")
        let result = try await Self.validate([], in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.standardOutput == """
                jobs.d/backup.yaml:3:12: error: minute value 61 is out of range 0-59 [cron-syntax]
                1 error, 0 warnings in 1 file, 1 job

                """)
        let dotted = try await Self.validate(["./jobs.d/", "--format", "github"], in: folder.path)
        #expect(dotted.standardOutput.hasPrefix("::error file=./jobs.d/backup.yaml,line=3,col=12,title=cron-syntax::"))
    }

    @Test func warningsFailOnlyWithStrict() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/other_name.yaml", "job_id: a\nschedule: \"@daily\"\n")
        #expect(try await Self.validate(["jobs.d"], in: folder.path).status == 0)
        #expect(try await Self.validate(["jobs.d", "--strict"], in: folder.path).status == 1)
    }

    @Test(arguments: [["--format", "xml"], ["--bogus"], ["jobs.d", "--repo", "/tmp/x"]])
    func usageErrorsExitTwo(arguments: [String]) async throws {
        let result = try await Self.validate(arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains("Error:"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aMissingFolderIsOneLineAndExitOne() async throws {
        let folder = try TemporaryFolder()
        let result = try await Self.validate([], in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError == "error: jobs.d: no such file or folder\n")
    }

    /// Issue 19: a link to `/proc/self/environ` in a pull request put the environment of
    /// the CI job into the annotations GitHub publishes. The link is refused by name.
    @Test func aLinkToTheEnvironmentIsRefusedNotQuoted() async throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/ok.yaml", "job_id: ok\nschedule: \"@daily\"\n")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url("jobs.d/x.yaml"), withDestinationPath: "/proc/self/environ")
        let secret = "hunter2-\(UUID().uuidString)"
        var environment = ProcessInfo.processInfo.environment
        environment["CRONICLE_TEST_SECRET"] = secret
        let result = try await ProductRunner.run(
            executable: ProductRunner.productURL("cronicle-sync"), ["validate", "--format", "github", "jobs.d"],
            in: folder.path, environment: environment)
        #expect(result.status == 1)
        #expect(
            result.standardOutput
                == "::error file=jobs.d/x.yaml,line=1,col=1,title=link-outside-folder::a symbolic link to "
                + "'/proc/self/environ', which is outside jobs.d; links that leave the folder are not followed: "
                + "copy the file into the folder, or point the link inside it\n")
        #expect(!result.standardOutput.contains(secret) && !result.standardError.contains(secret))
    }

    /// Issue 19: values from a definition reach the terminal and the published
    /// annotations escaped, so none can clear a screen or forge a line.
    @Test func terminalEscapesAndLineBreaksInValuesAreShownEscaped() async throws {
        let folder = try TemporaryFolder()
        let nasty = #""wipe\e[2J\n::error::forged""#
        try folder.write(
            "jobs.d/a.yaml", "job_id: a\ndescription: \(nasty)\nschedule: \"@daily\"\ntags: \(nasty)\n")
        let text = try await Self.validate(["jobs.d"], in: folder.path)
        #expect(text.status == 1)
        #expect(
            text.standardOutput == #"""
                jobs.d/a.yaml:4:7: error: tags must be a list such as [backup, prod], found 'wipe\u{1B}[2J\n::error::forged' [wrong-type]
                1 error, 0 warnings in 1 file, 1 job

                """#)
        let github = try await Self.validate(["jobs.d", "--format", "github"], in: folder.path)
        #expect(
            github.standardOutput
                == "::error file=jobs.d/a.yaml,line=4,col=7,title=wrong-type::tags must be a list such as "
                + #"[backup, prod], found 'wipe\u{1B}[2J\n::error::forged'"# + "\n")

        // A description is not quoted by any rule: a valid job prints nothing of it.
        try folder.write("jobs.d/a.yaml", "job_id: a\ndescription: \(nasty)\nschedule: \"@daily\"\n")
        let clean = try await Self.validate(["jobs.d", "--format", "github"], in: folder.path)
        #expect(clean.status == 0)
        #expect(clean.standardOutput.isEmpty)
    }

    @Test func jsonFromAGitCommitNamesTheCommit() async throws {
        let repository = try await FixtureRepository()
        try repository.write("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")
        let commit = try await repository.commit("add a")
        let cache = try TemporaryFolder()
        let result = try await Self.validate([
            "--repo", repository.path, "--ref", "main", "--cache-dir", cache.path, "--format", "json",
        ])
        #expect(result.status == 0)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["commit"] as? String == commit)
        #expect(object["files"] as? Int == 1)
        #expect(object["errors"] as? Int == 0)
        let missing = try await Self.validate(["--repo", repository.path, "--ref", "nope", "--cache-dir", cache.path])
        #expect(missing.status == 1)
        #expect(missing.standardError == "error: ref 'nope' is not a branch, tag or commit of '\(repository.path)'\n")
    }
}
