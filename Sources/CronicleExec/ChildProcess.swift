import Dispatch
import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the command the way `cronicle exec` promises: no shell, stdin inherited, stdout and
/// stderr passed through unchanged and captured, signals forwarded, `--timeout` enforced.
///
/// ```swift
/// let child = ChildProcess(command: ["backup", "--full"], environment: extra, ...)
/// let outcome = await child.run()
/// outcome.exitStatus  // what exec exits with
/// ```
///
/// swift-subprocess drains both pipes at once; each chunk is written to exec's own stdout or
/// stderr before the next is read, so a slow reader slows the command as it would without exec.
struct ChildProcess: Sendable {
    /// Both streams' head and tail, shared by the two readers.
    final class Capture: Sendable {
        let output = Mutex(OutputCapture())
    }

    /// Set by the timeout's task, read once the command ended.
    private final class TimeoutFlag: Sendable {
        let fired = Atomic(false)
    }

    let command: [String]
    /// Set in the child's environment on top of exec's own.
    let environment: [String: String]
    /// exec's `PATH`, searched for the command.
    let searchPath: String?
    let timeout: Duration?
    let killAfter: Duration
    let forwarder: SignalForwarder
    /// Nil with `--no-output`.
    let capture: Capture?

    func run() async -> ChildOutcome {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        func failed(_ status: Int32, _ message: String) -> ChildOutcome {
            ChildOutcome(
                exitStatus: status, startedAt: startedAt, endedAt: Date(), duration: clock.now - start,
                launchFailure: message)
        }
        let path: String
        switch ExecutableLookup.resolve(command[0], searchPath: searchPath) {
        case .success(let found): path = found
        case .failure(let failure): return failed(failure.exitStatus, failure.message)
        }

        let timedOut = TimeoutFlag()
        let stdoutWriter = PassthroughWriter(descriptor: STDOUT_FILENO)
        let stderrWriter = PassthroughWriter(descriptor: STDERR_FILENO)
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { overrides[key] = value }
        }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(path)),
                arguments: Arguments(executablePathOverride: command[0], remainingValues: Array(command.dropFirst())),
                environment: .inherit.updating(overrides),
                input: Self.standardInput(),
                output: .sequence,
                error: .sequence
            ) { execution in
                let pid = execution.processIdentifier.value
                forwarder.attach(to: pid)
                let timer = timeout.map { timeout in
                    Task {
                        try await Task.sleep(for: timeout)
                        timedOut.fired.store(true, ordering: .relaxed)
                        kill(pid, SIGTERM)
                        try await Task.sleep(for: killAfter)
                        kill(pid, SIGKILL)
                    }
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await Self.pump(execution.standardOutput, to: stdoutWriter, capture: capture, child: pid)
                    }
                    group.addTask {
                        await Self.pump(execution.standardError, to: stderrWriter, capture: capture, child: pid)
                    }
                    // The streams may end before the command does (it closed them) or after
                    // (a background grandchild holds them): wait for both.
                    group.addTask { await Self.waitForExit(of: pid) }
                }
                timer?.cancel()
                _ = await timer?.result
                // Still before the child is reaped: its pid cannot belong to another process yet.
                forwarder.detach()
            }
            let ended = clock.now
            var outcome = ChildOutcome(
                exitStatus: 0, startedAt: startedAt, endedAt: Date(), duration: ended - start)
            switch result.terminationStatus {
            case .exited(let code):
                outcome.exitStatus = code
            case .signaled(let signal):
                outcome.exitStatus = 128 + signal
                outcome.signal = signal
            }
            if timedOut.fired.load(ordering: .relaxed) {
                outcome.timedOut = true
                outcome.exitStatus = 124
            }
            return outcome
        } catch {
            forwarder.detach()
            return failed(Self.launchStatus(error), "\(command[0]): \(Self.launchReason(error))")
        }
    }

    /// exec's stdin for the child, or /dev/null when exec was started with it closed: then
    /// descriptor 0 is something the runtime opened since (an epoll instance, say).
    private static func standardInput() -> FileDescriptorInput {
        if isOpenFile(STDIN_FILENO) { return .currentStandardInput }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else { return .currentStandardInput }
        return .fileDescriptor(FileDescriptor(rawValue: devNull), closeAfterSpawningProcess: true)
    }

    /// True when `descriptor` is a file, pipe, socket or device, not one of the kernel's
    /// anonymous objects (their file type bits are zero) that took a closed standard
    /// descriptor's number.
    static func isOpenFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) != 0
    }

    /// Reads one stream to its end, passing each chunk through, then capturing it. When
    /// exec's own reader is gone, the child gets the SIGPIPE its write would have raised.
    private static func pump(
        _ stream: SubprocessOutputSequence, to writer: PassthroughWriter, capture: Capture?, child: pid_t
    ) async {
        do {
            for try await buffer in stream {
                let bytes = buffer.withUnsafeBytes { Array($0) }
                if await writer.forward(bytes) { kill(child, SIGPIPE) }
                capture?.output.withLock { $0.append(bytes) }
            }
        } catch {
            // A read error ends this stream only; the command's exit still ends the run.
        }
    }

    /// Returns once `pid` has exited, without reaping it (swift-subprocess does that).
    private static func waitForExit(of pid: pid_t) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
                continuation.resume()
            }
        }
    }

    /// 127 when the program vanished between the lookup and the start, else 126.
    private static func launchStatus(_ error: any Error) -> Int32 {
        guard let error = error as? SubprocessError else { return 126 }
        if error.code == .executableNotFound || error.underlyingError?.rawValue == ENOENT { return 127 }
        return 126
    }

    private static func launchReason(_ error: any Error) -> String {
        if let error = error as? SubprocessError, let errno = error.underlyingError?.rawValue {
            return String(cString: strerror(errno))
        }
        return "cannot be run (\(error))"
    }
}
