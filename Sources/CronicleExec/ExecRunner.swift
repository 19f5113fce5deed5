import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cronicle exec` from start to end: start ping and spool flush sent alongside the command,
/// the command run, the end ping sent (or spooled), and the command's exit status returned.
///
/// ```swift
/// let status = await ExecRunner(configuration: configuration, environment: environment).run()
/// exit(status)
/// ```
///
/// The monitor never changes the outcome: pings that fail are retried until
/// ``ExecConfiguration/pingDeadline``, an end ping still not delivered is spooled, and the
/// exit status is always the command's.
public struct ExecRunner: Sendable {
    private let configuration: ExecConfiguration
    private let environment: [String: String]
    private let sender: PingSender
    private let console = ExecConsole()

    /// - Parameter environment: exec's environment, for `TRACEPARENT` and the child's `PATH`.
    public init(configuration: ExecConfiguration, environment: [String: String], sender: PingSender = PingSender()) {
        self.configuration = configuration
        self.environment = environment
        self.sender = sender
    }

    /// The body limit learned from the start ping's answer, read when the end ping is built.
    private final class BodyLimit: Sendable {
        let value = Mutex<Int?>(nil)
    }

    /// Runs the command and reports it; returns the status exec should exit with.
    public func run() async -> Int32 {
        // A closed stdout must not kill exec before it reports the run; the child gets SIG_DFL.
        signal(SIGPIPE, SIG_IGN)
        let forwarder = SignalForwarder()
        let runID = UUID().uuidString.lowercased()
        let target = configuration.target
        let deadline = configuration.pingDeadline
        let argv0 = configuration.command[0]
        let version = configuration.version
        // Host, user and system names take a few system calls (getpwuid reads NSS files):
        // looked up beside the command, not before it.
        let identity = Task { ClientInfo.current(argv0: argv0, version: version) }
        let spool = PingSpool(directory: configuration.spoolDirectory)
        let console = self.console
        let sender = self.sender

        let flush = Task {
            await spool.flush(using: sender, until: .now + deadline) { console.say($0) }
        }
        let bodyLimit = BodyLimit()
        let startURL = target.startURL(runID: runID)
        let start = Task { [self] in
            let startPing = request(url: startURL, info: await identity.value, body: Data(), isEnd: false)
            let outcome = await sender.send(startPing, until: .now + deadline)
            if case .delivered(_, let limit) = outcome { bodyLimit.value.withLock { $0 = limit } }
            return outcome
        }

        var childEnvironment = [
            "CRONICLE_RUN_ID": runID,
            "TRACEPARENT": TraceParent.forChild(inheriting: environment["TRACEPARENT"]).description,
        ]
        if let job = target.jobID { childEnvironment["CRONICLE_JOB_ID"] = job }
        let capture = configuration.sendsOutput ? ChildProcess.Capture() : nil
        let outcome = await ChildProcess(
            command: configuration.command, environment: childEnvironment, searchPath: environment["PATH"],
            timeout: configuration.timeout,
            killAfter: configuration.killAfter, forwarder: forwarder, capture: capture
        ).run()
        if let failure = outcome.launchFailure {
            console.say(failure)
            // The only output such a run has: the monitor shows why it failed.
            capture?.output.withLock { $0.append(Array("cronicle exec: \(failure)\n".utf8)) }
        }

        var endInfo = await identity.value
        endInfo.durationSeconds = outcome.duration.secondsValue
        endInfo.exitStatus = outcome.exitStatus
        endInfo.signal = outcome.signal
        endInfo.timedOut = outcome.timedOut
        endInfo.startedAt = outcome.startedAt
        endInfo.endedAt = outcome.endedAt
        let limit = bodyLimit.value.withLock { $0 }
        let body = capture?.output.withLock { $0.body(limit: limit) } ?? []
        let endPing = request(
            url: target.endURL(runID: runID, exitStatus: outcome.exitStatus, message: outcome.summary),
            info: endInfo, body: Data(body), isEnd: true)
        let endDeadline = ContinuousClock.now + deadline
        let endOutcome = await sender.send(endPing, until: endDeadline)
        // A start not delivered by now is given up: the end alone records the run.
        start.cancel()
        let startOutcome = await start.value

        report(start: startOutcome, end: endOutcome, startURL: startURL, endPing: endPing, endInfo: endInfo)
        // Spooled pings from earlier runs may use what is left of the end ping's deadline.
        let stopFlush = Task {
            try await Task.sleep(until: endDeadline)
            flush.cancel()
        }
        _ = await flush.value
        stopFlush.cancel()
        return outcome.exitStatus
    }

    private func request(url: String, info: ClientInfo, body: Data, isEnd: Bool) -> PingRequest {
        var headers = [
            "User-Agent": "cronicle-exec/\(configuration.version)",
            PingRequest.clientInfoHeader: info.headerValue,
        ]
        // The job routes read a text/plain body as output and anything else as JSON, so even
        // their empty start says which; the ping routes need it only on the end's output.
        let isJobRoute = if case .job = configuration.target { true } else { false }
        if isEnd || isJobRoute { headers["Content-Type"] = configuration.target.contentType }
        return PingRequest(url: url, headers: headers, body: body, createdAt: Date())
    }

    /// One message for a refusal (the end's, else the start's), and the spool for an end
    /// ping that got no final answer.
    private func report(
        start: PingSender.Outcome, end: PingSender.Outcome, startURL: String, endPing: PingRequest,
        endInfo: ClientInfo
    ) {
        if case .refused(let status, let answer) = end {
            warnRefusal(status: status, answer: answer, url: endPing.url)
        } else if case .refused(let status, let answer) = start, !end.isFinal {
            warnRefusal(status: status, answer: answer, url: startURL)
        }
        guard case .undelivered(let reason) = end else { return }
        var spooled = endPing
        var info = endInfo
        info.spooled = true
        spooled.headers[PingRequest.clientInfoHeader] = info.headerValue
        let within = String(format: "%g", configuration.pingDeadline.secondsValue)
        do {
            let file = try PingSpool(directory: configuration.spoolDirectory).store(spooled)
            console.say(
                "could not deliver the end ping to \(endPing.url) within \(within)s (\(reason)); kept it in "
                    + "\(file) for the next cronicle exec to send")
        } catch {
            console.say(
                "could not deliver the end ping to \(endPing.url) within \(within)s (\(reason)), nor keep it in "
                    + "the spool \(configuration.spoolDirectory): \(error.localizedDescription); the run is not recorded"
            )
        }
    }

    private func warnRefusal(status: Int, answer: String, url: String) {
        if status == 404 {
            console.say(
                "the monitor answered 404 to POST \(url): \(configuration.target.notFoundHint). "
                    + "The run is not recorded.")
        } else {
            console.say(
                "the monitor refused POST \(url) with \(status): \(PingSpool.firstLine(answer)). "
                    + "The run is not recorded.")
        }
    }
}
