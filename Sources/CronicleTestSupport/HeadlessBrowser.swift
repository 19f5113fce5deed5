import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's Chromium, headless, with one page open, driven over the DevTools protocol:
/// tests load the dashboard in a real browser (scripts, CSP, server-sent events) and ask
/// the page what it shows. `scripts/test` installs Chromium when it is missing.
///
/// ```swift
/// let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(port)/")
/// let state = try await browser.evaluate("document.querySelector('#job-a').dataset.state")
/// ```
public final class HeadlessBrowser: Sendable {
    private let pid: pid_t
    private let profile: TemporaryFolder
    /// Commands go to Chromium's fd 3, answers come from its fd 4, each message a JSON
    /// text ended by a NUL byte (`--remote-debugging-pipe`).
    private let commands: FileHandle
    private let state = Mutex(State())
    private let inbox = Inbox()

    private struct State {
        var counter = 0
        var session: String?
    }

    /// Chromium's answers by command id, filled by a thread of its own that reads the pipe.
    ///
    /// The read blocks, so it must not run on the concurrency pool: with two cores the pool
    /// has two threads, and two browsers each waiting there for a page that needs the
    /// test's own server (whose handlers run on that pool) to answer hung the suite.
    private final class Inbox: Sendable {
        private struct Contents {
            var arrived: [Int: Data] = [:]
            var waiting: [Int: CheckedContinuation<Data, any Error>] = [:]
            var closed = false
        }

        private let contents = Mutex(Contents())

        /// Reads messages (JSON texts ended by a NUL byte) until the pipe closes.
        func read(from descriptor: Int32) {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                // A plain read(2): whatever has arrived, not a full buffer.
                let count = Glibc.read(descriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                pending.append(contentsOf: buffer[0..<count])
                while let end = pending.firstIndex(of: 0) {
                    let message = Data(pending[..<end])
                    pending.removeSubrange(...end)
                    // Events have no id; only answers are waited for.
                    let id = (try? JSONSerialization.jsonObject(with: message) as? [String: Any])?["id"] as? Int
                    if let id { deliver(message, to: id) }
                }
            }
            let waiting = contents.withLock { contents in
                contents.closed = true
                defer { contents.waiting = [:] }
                return contents.waiting
            }
            for (_, waiter) in waiting {
                waiter.resume(throwing: Failure(description: "Chromium closed its DevTools pipe"))
            }
        }

        private func deliver(_ message: Data, to id: Int) {
            let waiter = contents.withLock { contents in
                guard let waiter = contents.waiting.removeValue(forKey: id) else {
                    contents.arrived[id] = message
                    return nil as CheckedContinuation<Data, any Error>?
                }
                return waiter
            }
            waiter?.resume(returning: message)
        }

        /// The answer to command `id`, once it arrives.
        func answer(to id: Int) async throws -> Data {
            try await withCheckedThrowingContinuation { continuation in
                let ready = contents.withLock { contents -> Result<Data, any Error>? in
                    if let message = contents.arrived.removeValue(forKey: id) { return .success(message) }
                    if contents.closed {
                        return .failure(Failure(description: "Chromium closed its DevTools pipe"))
                    }
                    contents.waiting[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    public init(url: String) async throws {
        guard let executable = Self.executable else {
            throw Failure(description: "no Chromium: install the Debian package chromium (scripts/test does)")
        }
        profile = try TemporaryFolder()
        let toBrowser = Pipe()
        let fromBrowser = Pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser.fileHandleForReading.fileDescriptor, 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser.fileHandleForWriting.fileDescriptor, 4)
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        posix_spawn_file_actions_adddup2(&actions, devNull, 1)
        posix_spawn_file_actions_adddup2(&actions, devNull, 2)
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", url,
        ]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start Chromium: error \(spawned)") }
        self.pid = pid
        try toBrowser.fileHandleForReading.close()
        try fromBrowser.fileHandleForWriting.close()
        commands = toBrowser.fileHandleForWriting
        // The reader thread holds the pipe's read end and lets it close only when it is
        // done, so that it never reads a descriptor number reused by something else.
        let (inbox, answers) = (inbox, fromBrowser.fileHandleForReading)
        Thread { inbox.read(from: answers.fileDescriptor) }.start()
        // Attach to the page opened on the command line; commands then name its session.
        var target: String?
        for _ in 0..<100 where target == nil {
            let targets = try await send("Target.getTargets", [:])?["targetInfos"] as? [[String: Any]] ?? []
            target = targets.first { $0["type"] as? String == "page" }?["targetId"] as? String
            if target == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let target,
            let session = try await send("Target.attachToTarget", ["targetId": target, "flatten": true])?["sessionId"]
                as? String
        else {
            kill(pid, SIGKILL)
            throw Failure(description: "Chromium opened no page")
        }
        state.withLock { $0.session = session }
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// The value of a JavaScript expression in the page (strings, numbers, booleans).
    @discardableResult
    public func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
            session: state.withLock { $0.session })
        return (result?["result"] as? [String: Any])?["value"]
    }

    /// Sends one DevTools command and waits for its answer's `result`.
    private func send(_ method: String, _ parameters: [String: Any], session: String? = nil) async throws
        -> [String: Any]?
    {
        let id = state.withLock { state in
            state.counter += 1
            return state.counter
        }
        var request: [String: Any] = ["id": id, "method": method, "params": parameters]
        if let session { request["sessionId"] = session }
        var message = try JSONSerialization.data(withJSONObject: request)
        message.append(0)
        try commands.write(contentsOf: message)
        let reply = try await inbox.answer(to: id)
        let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
        if let error = object?["error"] as? [String: Any] {
            throw Failure(description: "\(method): \(error["message"] as? String ?? "failed")")
        }
        return object?["result"] as? [String: Any]
    }

    /// Evaluates `expression` until it is true in a page that has finished loading, for at
    /// most `timeout`; whether it became true. A page's buttons exist before its deferred
    /// script has run and given them their actions: a click then did nothing. The time
    /// allowed is long because the full suite runs dozens of servers and browsers at once
    /// on two cores, where a page has taken over 10 s to load; a wait that succeeds
    /// returns as soon as it does.
    public func waitUntil(_ expression: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        let loaded = "document.readyState === 'complete' && (\(expression))"
        while ContinuousClock.now < deadline {
            if try await evaluate(loaded) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
