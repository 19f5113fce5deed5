import Config
import CronicleTestSupport
import Foundation
import Testing

@Suite struct JobFileFinderTests {
    @Test func findsYAMLRecursivelyInAStableOrderSkippingHidden() throws {
        let folder = try TemporaryFolder()
        for path in [
            "jobs.d/b.yaml", "jobs.d/a.yml", "jobs.d/team/c.yaml", "jobs.d/Z.yaml", "jobs.d/.hidden.yaml",
            "jobs.d/.git/d.yaml", "jobs.d/notes.txt", "jobs.d/team/deeper/e.yaml",
        ] {
            try folder.write(path, "job_id: x\n")
        }
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        let names = files.map { String($0.path.dropFirst(folder.path.count + 1)) }
        #expect(
            names == [
                "jobs.d/Z.yaml", "jobs.d/a.yml", "jobs.d/b.yaml", "jobs.d/team/c.yaml", "jobs.d/team/deeper/e.yaml",
            ])
    }

    /// `.YAML` and `.YML` files were skipped without a word, so their jobs were neither
    /// checked nor applied.
    @Test func extensionsMatchInAnyCase() throws {
        let folder = try TemporaryFolder()
        for path in [
            "jobs.d/a.YAML", "jobs.d/b.YML", "jobs.d/c.Yaml", "jobs.d/d.yMl", "jobs.d/.E.YAML", "jobs.d/f.YAMLX",
        ] {
            try folder.write(path, "job_id: x\n")
        }
        #expect(
            try Self.found(in: folder).keys.sorted() == [
                "jobs.d/a.YAML", "jobs.d/b.YML", "jobs.d/c.Yaml", "jobs.d/d.yMl",
            ])
        #expect(DefinitionFile.isDefinitionFile(name: "BACKUP.YML"))
        #expect(!DefinitionFile.isDefinitionFile(name: "YAML"))
        #expect(!DefinitionFile.isDefinitionFile(name: "notes.txt"))
    }

    @Test func keepsThePathsAsGiven() throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/a.yaml", "job_id: a\n")
        let withSlash = try JobFileFinder.files(in: [folder.url("jobs.d") + "/"])
        #expect(withSlash.map(\.path) == [folder.url("jobs.d") + "/a.yaml"])
        let file = try JobFileFinder.files(in: [folder.url("jobs.d/a.yaml")])
        #expect(file.map(\.path) == [folder.url("jobs.d/a.yaml")])
        #expect(file.first?.contents == Data("job_id: a\n".utf8))
    }

    // MARK: - Symbolic links

    static func link(_ path: String, to destination: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: destination)
    }

    /// The files found under `jobs.d` of `folder`, by their path inside it, with the rule
    /// of each refusal.
    static func found(in folder: TemporaryFolder) throws -> [String: LintRule?] {
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        return Dictionary(
            uniqueKeysWithValues: files.map { (String($0.path.dropFirst(folder.path.count + 1)), $0.refusal?.rule) })
    }

    /// The attack of issue 19: a pull request adds links to files it cannot see, and the
    /// linter would read them and quote them in published annotations.
    @Test func aLinkThatLeavesTheFolderIsRefusedAndNeverRead() throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/ok.yaml", "job_id: ok\nschedule: \"@daily\"\n")
        try folder.write("outside/secret.yaml", "job_id: leaked_secret\nschedule: \"@daily\"\n")
        try Self.link(folder.url("jobs.d/environ.yaml"), to: "/proc/self/environ")
        try Self.link(folder.url("jobs.d/team/secret.yml"), to: "../../outside/secret.yaml")
        try Self.link(folder.url("jobs.d/absolute.yaml"), to: folder.url("outside/secret.yaml"))
        try Self.link(folder.url("jobs.d/shared"), to: "../outside")
        try Self.link(folder.url("jobs.d/notes.txt"), to: "/etc/passwd")

        #expect(
            try Self.found(in: folder) == [
                "jobs.d/absolute.yaml": .linkOutsideFolder, "jobs.d/environ.yaml": .linkOutsideFolder,
                "jobs.d/ok.yaml": nil, "jobs.d/shared": .linkOutsideFolder,
                "jobs.d/team/secret.yml": .linkOutsideFolder,
            ])
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        #expect(files.filter { $0.refusal != nil }.allSatisfy { $0.contents.isEmpty })
        let report = JobValidator().validate(files)
        #expect(report.jobs.map(\.jobID) == ["ok"])
        #expect(!report.diagnostics.contains { $0.message.contains("leaked") || $0.message.contains("PATH=") })
        let environ = try #require(report.diagnostics.first { $0.file.hasSuffix("environ.yaml") })
        #expect((environ.line, environ.column, environ.rule) == (1, 1, .linkOutsideFolder))
        #expect(
            environ.message
                == "a symbolic link to '/proc/self/environ', which is outside \(folder.url("jobs.d")); links that "
                + "leave the folder are not followed: copy the file into the folder, or point the link inside it")
    }

    @Test func linksThatStayInsideTheFolderAreFollowed() throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/team/real.yaml", "job_id: real\n")
        try Self.link(folder.url("jobs.d/relative.yaml"), to: "team/real.yaml")
        try Self.link(folder.url("jobs.d/absolute.yaml"), to: folder.url("jobs.d/team/real.yaml"))
        try Self.link(folder.url("jobs.d/team/roundabout.yaml"), to: "../../jobs.d/team/real.yaml")
        // A folder inside is read through its own path; through a link it would be read twice.
        try Self.link(folder.url("jobs.d/alias"), to: "team")
        #expect(
            try Self.found(in: folder) == [
                "jobs.d/absolute.yaml": nil, "jobs.d/relative.yaml": nil, "jobs.d/team/real.yaml": nil,
                "jobs.d/team/roundabout.yaml": nil,
            ])
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        #expect(files.allSatisfy { $0.contents == Data("job_id: real\n".utf8) })

        // The folder named on the command line may itself be a link.
        try Self.link(folder.url("linked.d"), to: "jobs.d")
        #expect(try JobFileFinder.files(in: [folder.url("linked.d")]).count == 4)
    }

    /// `a -> .` and `b -> .` made the walk branch at every level, forever.
    @Test func loopsAreReportedAndTheWalkFinishes() throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/ok.yaml", "job_id: ok\n")
        try Self.link(folder.url("jobs.d/a"), to: ".")
        try Self.link(folder.url("jobs.d/b"), to: ".")
        try Self.link(folder.url("jobs.d/team/up"), to: "..")
        try Self.link(folder.url("jobs.d/c.yaml"), to: "d.yaml")
        try Self.link(folder.url("jobs.d/d.yaml"), to: "c.yaml")
        try #require(Self.finishes(within: 10) { _ = try? Self.found(in: folder) }, "the walk must end")
        #expect(
            try Self.found(in: folder) == [
                "jobs.d/a": .linkLoop, "jobs.d/b": .linkLoop, "jobs.d/c.yaml": .linkLoop, "jobs.d/d.yaml": .linkLoop,
                "jobs.d/ok.yaml": nil, "jobs.d/team/up": .linkLoop,
            ])
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        let up = try #require(JobValidator().validate(files).diagnostics.first { $0.file.hasSuffix("team/up") })
        #expect(
            up.message
                == "a symbolic link to '..', a folder that holds it: following it would never end; remove the link")
    }

    /// Whether `body`, run on a thread of its own, ends within `seconds`: a walk that
    /// never ends fails the test rather than hanging the whole run.
    static func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        return done.wait(timeout: .now() + seconds) == .success
    }

    @Test func aMissingPathIsOneClearError() {
        #expect(throws: DefinitionReadError("/nonexistent/jobs.d: no such file or folder")) {
            try JobFileFinder.files(in: ["/nonexistent/jobs.d"])
        }
    }
}
