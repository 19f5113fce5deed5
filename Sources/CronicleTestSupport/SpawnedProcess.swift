import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests, started with `posix_spawn`: what Foundation's `Process`
/// did for the test support, without its faults. Its `run()` on Linux with Swift 6.3.1
/// now and then reads past a `/proc/self/fd` directory entry and crashes the whole test
/// process (swift-corelibs-foundation#5472; it took down two full runs here in five);
/// and a daemon that closes every inherited descriptor at start (sshd, ssh-agent) made
/// `Process` take that for the child's exit and block its process-watching thread in
/// `waitpid` until the daemon really ended, so no other `Process` was seen to end
/// meanwhile (every `git` a test ran hung).
///
/// ```swift
/// let output = Pipe()
/// let child = try SpawnedProcess(executable: path, ["--version"], standardOutput: .pipe(output))
/// let text = output.fileHandleForReading.readDataToEndOfFile()
/// let status = child.waitUntilExit()
/// ```
///
/// The child gets the given standard streams, every other descriptor closed, every
/// signal at its default disposition and none blocked (a test that ignores a signal,
/// as exec's signal forwarding does, must not pass that on).
public final class SpawnedProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        /// `/dev/null`.
        case null
        /// The child's end of a pipe; this process's copy of it is closed once the child runs.
        case pipe(Pipe)
        /// A file the child writes at the end of, created if missing.
        case appending(toFile: String)
    }

    public let processIdentifier: Int32
    /// The pipes given, kept as long as this is: a pipe that goes closes its ends, and
    /// the child would write into a broken pipe (`Process` kept them too).
    private let pipes: [Pipe]
    /// The raw wait status once the child has been reaped.
    private let waitStatus = Mutex<Int32?>(nil)

    public init(
        executable: String, _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment, directory: String? = nil,
        standardInput: Stream = .null, standardOutput: Stream = .null, standardError: Stream = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func redirect(_ stream: Stream, to target: Int32) {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
            case .pipe(let pipe):
                let handle = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            case .appending(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            }
        }
        redirect(standardInput, to: 0)
        redirect(standardOutput, to: 1)
        redirect(standardError, to: 2)
        _ = closeFrom(&actions, 3)
        if let directory { _ = changeDirectory(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        pipes = [standardInput, standardOutput, standardError].compactMap { stream in
            if case .pipe(let pipe) = stream { pipe } else { nil }
        }
        // The child holds its ends now; this process keeps only its own, so a reader of
        // the child's output sees the end of it when the child ends.
        if case .pipe(let pipe) = standardInput { try? pipe.fileHandleForReading.close() }
        if case .pipe(let pipe) = standardOutput { try? pipe.fileHandleForWriting.close() }
        if case .pipe(let pipe) = standardError { try? pipe.fileHandleForWriting.close() }
    }

    /// A child still running when this goes is killed and reaped: no test leaves a
    /// server or a zombie behind.
    deinit {
        if isRunning {
            kill(processIdentifier, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool { !reap(blocking: false) }

    /// Waits for the child to end (blocking the calling thread) and returns its status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        _ = reap(blocking: true)
        return terminationStatus
    }

    /// The exit code, or the number of the signal that ended the child (as `Process`
    /// says it); 0 while it runs.
    public var terminationStatus: Int32 {
        guard let status = waitStatus.withLock({ $0 }) else { return 0 }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Whether the child ended by exiting rather than by a signal.
    public var exited: Bool {
        guard let status = waitStatus.withLock({ $0 }) else { return false }
        return status & 0x7f == 0
    }

    /// Reaps the child if it ended; true once it has.
    private func reap(blocking: Bool) -> Bool {
        if waitStatus.withLock({ $0 }) != nil { return true }
        var status: Int32 = 0
        while true {
            let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if result == processIdentifier {
                waitStatus.withLock { $0 = status }
                return true
            }
            if result == 0 { return false }
            if errno == EINTR { continue }
            // Reaped by a concurrent call, which stores the status.
            while waitStatus.withLock({ $0 }) == nil { usleep(1000) }
            return true
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's
/// Glibc module does not bring in: every descriptor from `lowest` on is closed in the
/// child, so it holds no other test's pipe open.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later): the child starts in
/// `path`, and this process's own working directory never changes.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>)
    -> Int32
