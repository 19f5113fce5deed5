import CronicleTestSupport
import Foundation
import Synchronization

/// The built `cronicle` binary running `exec` as a user would start it, with stdout kept as
/// raw bytes (it must match the command's byte for byte) and both pipes drained at once.
///
/// ```swift
/// let run = try ExecProcess(["--ping-url", url, "--", "true"], environment: ["CRONICLE_SPOOL": spool])
/// let result = await run.finish()
/// #expect(result.status == 0)
/// ```
///
/// The environment starts from this process's, without anything `cronicle exec` reads, so a
/// developer's own settings (or spool) never leak into a test.
final class ExecProcess: Sendable {
    struct Result: Sendable {
        let status: Int32
        /// False when exec itself was killed by a signal instead of exiting.
        let exited: Bool
        let standardOutput: Data
        let standardError: String
        let elapsed: Duration

        var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    static let settingsRead = [
        "CRONICLE_URL", "CRONICLE_PING_KEY", "CRONICLE_SPOOL", "HC_API_URL", "CHECK_UUID", "PING_KEY", "CHECK_SLUG",
        "TRACEPARENT", "CRONICLE_JOB_ID", "CRONICLE_RUN_ID",
    ]

    private let process: SpawnedProcess
    private let output: DrainedPipe
    private let error: DrainedPipe
    private let started = ContinuousClock.now

    init(_ arguments: [String], environment: [String: String] = [:], standardInput: Data? = nil) throws {
        var merged = ProcessInfo.processInfo.environment
        for name in Self.settingsRead { merged[name] = nil }
        merged.merge(environment) { _, new in new }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let inputPipe = Pipe()
        let process = try SpawnedProcess(
            executable: ProductRunner.productURL("cronicle").path, ["exec"] + arguments, environment: merged,
            standardInput: standardInput == nil ? .null : .pipe(inputPipe), standardOutput: .pipe(outputPipe),
            standardError: .pipe(errorPipe))
        if let standardInput {
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: standardInput)
                try? writer.close()
            }
        }
        self.process = process
        output = DrainedPipe(outputPipe.fileHandleForReading)
        error = DrainedPipe(errorPipe.fileHandleForReading)
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// What exec printed on stderr so far.
    var standardErrorSoFar: String { String(decoding: error.soFar, as: UTF8.self) }

    /// Sends `signal` to exec itself (not to its child).
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exec to end and returns what it did.
    func finish() async -> Result {
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        let elapsed = ContinuousClock.now - started
        return Result(
            status: process.terminationStatus, exited: process.exited,
            standardOutput: await output.all(), standardError: String(decoding: await error.all(), as: UTF8.self),
            elapsed: elapsed)
    }

    /// Runs exec to its end.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], standardInput: Data? = nil
    ) async throws -> Result {
        try await ExecProcess(arguments, environment: environment, standardInput: standardInput).finish()
    }
}
