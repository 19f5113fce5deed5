import Foundation
import Subprocess
import SystemPackage

/// Runs one of the package's executables the way a user would, for end-to-end
/// tests of the command-line contracts.
///
/// ```swift
/// let result = try await ProductRunner.run("cronicle-sync", ["cron", "next", "@daily"])
/// #expect(result.status == 0)
/// ```
///
/// The executable is looked up beside the test bundle (`swift build --build-tests`
/// builds both into the same folder), or at `CRONICLE_BIN_DIR` when that is set.
public enum ProductRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case notBuilt(String)
        public var description: String {
            switch self {
            case .notBuilt(let path): "\(path) does not exist; run `swift build --build-tests` first"
            }
        }
    }

    public static func productURL(_ name: String) -> URL {
        if let folder = ProcessInfo.processInfo.environment["CRONICLE_BIN_DIR"] {
            return URL(fileURLWithPath: folder).appendingPathComponent(name)
        }
        var folder = Bundle.main.bundleURL
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent(name)
    }

    /// Runs the product `name` with `arguments`, in `directory` when given.
    public static func run(_ name: String, _ arguments: [String], in directory: String? = nil) async throws -> Result {
        let url = productURL(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw Failure.notBuilt(url.path) }
        return try await run(executable: url, arguments, in: directory)
    }

    /// Runs any program to its end and collects what it printed (both streams drained
    /// together, so a child that fills one pipe never waits for a reader).
    ///
    /// Through swift-subprocess, not Foundation's `Process`: on Linux with Swift 6.3.1,
    /// `Process.run()` crashes now and then reading `/proc/self/fd` past the end of a
    /// directory entry (swift-corelibs-foundation#5472), which took down a whole test run
    /// here once. The wait is asynchronous, so no thread of the concurrency pool (two, on
    /// two cores) is held while the program runs, and no other test's tasks stall.
    public static func run(
        executable: URL, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
    ) async throws -> Result {
        var variables: [Environment.Key: String] = [:]
        for (name, value) in environment ?? [:] {
            if let key = Environment.Key(rawValue: name) { variables[key] = value }
        }
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(arguments),
            environment: environment == nil ? .inherit : .custom(variables),
            workingDirectory: directory.map { FilePath($0) },
            output: .string(limit: outputLimit),
            error: .string(limit: outputLimit))
        let status: Int32 =
            switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): signal
            }
        return Result(
            status: status, standardOutput: result.standardOutput, standardError: result.standardError)
    }

    /// The most each stream keeps: far more than any command under test prints.
    private static let outputLimit = 64 * 1024 * 1024
}
