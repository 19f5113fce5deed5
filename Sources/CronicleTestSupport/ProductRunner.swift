import Foundation

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

    /// Runs any program to its end and collects what it printed.
    ///
    /// The wait happens on a thread of its own: a test that waited on one of the
    /// concurrency pool's threads (two, on two cores) would stop every other test's tasks
    /// meanwhile, such as a receiver the program talks to or a wait for a server's first
    /// line, and a suite of such tests stalled whole runs for 20-30 s.
    public static func run(
        executable: URL, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Swift.Result {
                        try runWaiting(executable: executable, arguments, in: directory, environment: environment)
                    })
            }
        }
    }

    private static func runWaiting(
        executable: URL, _ arguments: [String], in directory: String?, environment: [String: String]?
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Both pipes are drained at once: read one to its end first, and a child that fills
        // the other's buffer (64 KiB) waits forever for a reader.
        let errorText = DrainedPipe(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorText.wait(), as: UTF8.self))
    }
}

/// A pipe read to its end on a thread of its own.
private final class DrainedPipe: @unchecked Sendable {
    // Written once by the reading thread before `done` is signalled, read after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
