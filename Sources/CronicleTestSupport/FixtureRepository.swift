import Foundation

/// A real git repository in a temporary folder, built with the `git` command, for
/// tests of everything that reads job definitions from git.
///
/// ```swift
/// let repository = try await FixtureRepository()
/// try repository.write("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")
/// let first = try await repository.commit("add a")
/// try await repository.git("tag", "v1")
/// ```
public final class FixtureRepository: Sendable {
    public let folder: TemporaryFolder
    public var path: String { folder.url("repository") }

    public struct GitFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(branch: String = "main") async throws {
        folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.url("repository"), withIntermediateDirectories: true)
        try await git("init", "--quiet", "--initial-branch", branch)
    }

    public func write(_ relative: String, _ contents: String) throws {
        try folder.write("repository/" + relative, contents)
    }

    public func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(relative))
    }

    /// Commits everything in the working tree; returns the new commit's id.
    @discardableResult
    public func commit(_ message: String) async throws -> String {
        try await git("add", "--all")
        try await git("commit", "--quiet", "--allow-empty", "--message", message)
        return try await git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git` in the repository with a fixed identity; returns its standard output.
    @discardableResult
    public func git(_ arguments: String...) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in [
            ("GIT_AUTHOR_NAME", "Cronicle Tests"), ("GIT_AUTHOR_EMAIL", "tests@cronicle.invalid"),
            ("GIT_COMMITTER_NAME", "Cronicle Tests"), ("GIT_COMMITTER_EMAIL", "tests@cronicle.invalid"),
            ("GIT_CONFIG_GLOBAL", "/dev/null"), ("GIT_CONFIG_NOSYSTEM", "1"),
        ] {
            environment[key] = value
        }
        let result = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", path] + arguments, environment: environment)
        guard result.status == 0 else {
            throw GitFailure(description: "git \(arguments.joined(separator: " ")): \(result.standardError)")
        }
        return result.standardOutput
    }
}
