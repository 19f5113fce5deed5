import Config
import CronicleTestSupport
import Foundation
import Testing

/// Reading definitions straight from commits of real repositories made in a temp folder.
@Suite struct GitDefinitionsTests {
    let repository: FixtureRepository
    let cache: TemporaryFolder
    let first: String
    let second: String

    init() async throws {
        repository = try await FixtureRepository()
        cache = try TemporaryFolder()
        try repository.write("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")
        try repository.write("jobs.d/team/b.yml", "job_id: b\nschedule: \"0 * * * *\"\n")
        try repository.write("jobs.d/.hidden.yaml", "not: read\n")
        try repository.write("README.md", "not a job\n")
        first = try await repository.commit("first")
        try await repository.git("tag", "v1")
        try repository.write("jobs.d/a.yaml", "job_id: a\nschedule: \"61 * * * *\"\n")
        second = try await repository.commit("second")
    }

    func source(_ ref: String, path: String = "jobs.d", repository location: String? = nil) -> GitDefinitions {
        GitDefinitions(repository: location ?? repository.path, ref: ref, path: path, cacheDirectory: cache.path)
    }

    func validate(_ source: GitDefinitions) throws -> ValidationReport {
        let (commit, files) = try source.read()
        return JobValidator().validate(files, commit: commit)
    }

    @Test func readsABranchTipWithRepositoryPaths() throws {
        let (commit, files) = try source("main").read()
        #expect(commit == second)
        #expect(files.map(\.path) == ["jobs.d/a.yaml", "jobs.d/team/b.yml"])
        let report = try validate(source("main"))
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/a.yaml:2:12: error: minute value 61 is out of range 0-59 [cron-syntax]"
            ])
        #expect(report.commit == second)
    }

    @Test func readsUpperCaseExtensionsFromACommit() async throws {
        try repository.write("jobs.d/c.YAML", "job_id: c\nschedule: \"@daily\"\n")
        try repository.write("jobs.d/team/d.Yml", "job_id: d\nschedule: \"@daily\"\n")
        try await repository.commit("upper-case extensions")
        let (_, files) = try source("main").read()
        #expect(files.map(\.path) == ["jobs.d/a.yaml", "jobs.d/c.YAML", "jobs.d/team/b.yml", "jobs.d/team/d.Yml"])
        #expect(try validate(source("main")).jobs.map(\.jobID).sorted() == ["b", "c", "d"])
    }

    @Test func readsATagAndCommitIDsFullAndShort() throws {
        #expect(try source("v1").read().commit == first)
        #expect(try source(first).read().commit == first)
        #expect(try source(String(first.prefix(8))).read().commit == first)
        #expect(try source("refs/heads/main").read().commit == second)
        #expect(try validate(source("v1")).diagnostics.isEmpty)
    }

    @Test func readsOtherBranchesAndFileURLs() async throws {
        try await repository.git("checkout", "--quiet", "-b", "feature", first)
        try repository.write("jobs.d/c.yaml", "job_id: c\nschedule: \"@weekly\"\n")
        let feature = try await repository.commit("feature")
        #expect(try source("feature", repository: "file://" + repository.path).read().commit == feature)
        #expect(try source("feature").read().files.count == 3)
    }

    @Test func fetchesNewCommitsIntoTheSameCache() async throws {
        #expect(try source("main").read().commit == second)
        try repository.remove("jobs.d/team/b.yml")
        let third = try await repository.commit("third")
        let (commit, files) = try source("main").read()
        #expect(commit == third)
        #expect(files.map(\.path) == ["jobs.d/a.yaml"])
        let caches = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(caches.count == 1)
    }

    @Test func readsTheWholeTreeOrOneFile() throws {
        #expect(try source("main", path: ".").read().files.map(\.path) == ["jobs.d/a.yaml", "jobs.d/team/b.yml"])
        #expect(try source("main", path: "jobs.d/team/b.yml").read().files.map(\.path) == ["jobs.d/team/b.yml"])
    }

    @Test func failuresAreOneClearLine() throws {
        #expect(throws: DefinitionReadError("ref 'nope' is not a branch, tag or commit of '\(repository.path)'")) {
            try source("nope").read()
        }
        #expect(throws: DefinitionReadError("path 'elsewhere' does not exist in main (commit \(second.prefix(12)))")) {
            try source("main", path: "elsewhere").read()
        }
        #expect(throws: DefinitionReadError("repository '/nonexistent/repository' does not exist")) {
            try source("main", repository: "/nonexistent/repository").read()
        }
        do {
            _ = try source("main", repository: "file:///nonexistent/repository").read()
            Issue.record("a missing file:// repository must fail")
        } catch {
            #expect(error.message.hasPrefix("cannot fetch 'file:///nonexistent/repository': "))
            #expect(!error.message.contains("\n"))
        }
    }
}
