import Foundation

/// One of the package's executables running in the background, such as `cronicle
/// serve`, with its standard error collected so a test can wait for a log line.
public final class RunningProduct: Sendable {
    private let process: SpawnedProcess
    private let errorOutput: DrainedPipe

    public init(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let pipe = Pipe()
        process = try SpawnedProcess(
            executable: ProductRunner.productURL(name).path, arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            standardError: .pipe(pipe))
        errorOutput = DrainedPipe(pipe.fileHandleForReading)
    }

    public var standardError: String { String(decoding: errorOutput.soFar, as: UTF8.self) }
    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Waits until standard error matches `pattern` and returns the first capture group
    /// (or the whole match); nil when the process ended or `timeout` passed first.
    public func waitForError(matching pattern: String, timeout: Duration = .seconds(20)) async throws -> String? {
        let expression = try NSRegularExpression(pattern: pattern)
        let deadline = ContinuousClock.now + timeout
        // The text is looked at once more after the deadline: a task that was not scheduled
        // for a while (a busy machine) still finds a line that arrived meanwhile.
        while true {
            let running = process.isRunning
            let text = standardError
            if let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
                return Range(range, in: text).map { String(text[$0]) }
            }
            if !running || ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }
}
