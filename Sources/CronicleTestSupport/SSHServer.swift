import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's OpenSSH server on a free loopback port, serving bare copies of fixture
/// repositories to `git` over SSH, for tests of fetching over `ssh://` and `git@host:path`.
///
/// Everything is throwaway and in a temp folder: the host key, a user key that
/// `authorized_keys` allows, the config. The server logs in the current user (root in
/// CI, which `PermitRootLogin prohibit-password` allows with a key), whose login shell
/// finds `git-upload-pack` on its `PATH`.
///
/// ```swift
/// let server = try await SSHServer.start()
/// let path = try await server.serve(repository, as: "jobs")
/// // ssh://root@127.0.0.1:PORT/tmp/.../jobs.git, known_hosts at server.knownHostsFile,
/// // the key at server.userKey
/// let url = server.url(path)
/// ```
public final class SSHServer: Sendable {
    public let host: String
    public let port: Int
    /// The user the server logs in: the one running the tests.
    public let user: String
    public let folder: TemporaryFolder
    /// A private key that `authorized_keys` allows (ed25519, no passphrase; `.pub` beside it).
    public var userKey: String { folder.url("keys/user_ed25519") }
    /// A `known_hosts` file with the server's host key, as `ssh-keyscan` would write it.
    public var knownHostsFile: String { folder.url("known_hosts") }
    /// The host key's line without a host: `ssh-ed25519 AAAA...`.
    public let hostKey: String
    private let daemon: Daemon

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(host: String, port: Int, user: String, folder: TemporaryFolder, hostKey: String, daemon: Daemon) {
        self.host = host
        self.port = port
        self.user = user
        self.folder = folder
        self.hostKey = hostKey
        self.daemon = daemon
    }

    /// Starts sshd on `host` (any loopback address) and `port`, or a free port when nil.
    /// Returns once it accepts connections.
    public static func start(host: String = "127.0.0.1", port: Int? = nil) async throws -> SSHServer {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw Failure(description: "/usr/sbin/sshd is missing: run scripts/install-deps --tests (openssh-server)")
        }
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.url("keys"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.url("repositories"), withIntermediateDirectories: true)
        let hostKeyFile = folder.url("keys/host_ed25519")
        try await generateKey(at: hostKeyFile)
        try await generateKey(at: folder.url("keys/user_ed25519"))
        try FileManager.default.copyItem(
            atPath: folder.url("keys/user_ed25519.pub"), toPath: folder.url("authorized_keys"))
        let hostKey = try String(contentsOfFile: hostKeyFile + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let user = currentUser()
        if getuid() == 0 {
            // Run as root, sshd insists on its privilege separation folder, which systemd
            // makes at boot (RuntimeDirectory=sshd) and a container does not have.
            try FileManager.default.createDirectory(
                atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        var failures: [String] = []
        // A free port may be taken between finding it and sshd binding it: try a few.
        for _ in 0..<(port == nil ? 5 : 1) {
            let chosen = try port ?? freePort()
            let config = """
                Port \(chosen)
                ListenAddress \(host)
                HostKey \(hostKeyFile)
                AuthorizedKeysFile \(folder.url("authorized_keys"))
                StrictModes no
                PidFile none
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                AllowUsers \(user)
                LogLevel VERBOSE

                """
            try folder.write("sshd_config", config)
            let log = folder.url("sshd-\(chosen).log")
            let daemon = try Daemon.spawn(
                "/usr/sbin/sshd", ["-D", "-E", log, "-f", folder.url("sshd_config")], output: log)
            if try await waitUntilListening(host: host, port: chosen, while: daemon) {
                try folder.write("known_hosts", "\(knownHostsName(host: host, port: chosen)) \(hostKey)\n")
                return SSHServer(
                    host: host, port: chosen, user: user, folder: folder, hostKey: hostKey, daemon: daemon)
            }
            await daemon.stop()
            failures.append((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log")
        }
        throw Failure(description: "sshd did not start: \(failures.joined(separator: " / "))")
    }

    /// What sshd logged so far.
    public var log: String {
        (try? String(contentsOfFile: folder.url("sshd-\(port).log"), encoding: .utf8)) ?? ""
    }

    /// `ssh://USER@HOST:PORT/path`.
    public func url(_ path: String) -> String {
        "ssh://\(user)@\(host):\(port)\(path)"
    }

    /// Publishes `repository` as a bare repository named `name`.git (cloned the first
    /// time, fetched into later, so new commits and tags show); returns its absolute path.
    @discardableResult
    public func serve(_ repository: FixtureRepository, as name: String) async throws -> String {
        let bare = folder.url("repositories/\(name).git")
        if FileManager.default.fileExists(atPath: bare) {
            try await Self.git(
                "--git-dir", bare, "fetch", "--quiet", "--prune", repository.path, "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*")
        } else {
            try await Self.git("clone", "--quiet", "--bare", repository.path, bare)
        }
        return bare
    }

    /// Makes another ed25519 key in the server's folder, allowed in `authorized_keys`
    /// when `authorized`; returns the private key's path.
    public func makeKey(_ name: String, passphrase: String = "", authorized: Bool) async throws -> String {
        let path = folder.url("keys/\(name)")
        try await Self.generateKey(at: path, passphrase: passphrase)
        if authorized {
            let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.url("authorized_keys")))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        }
        return path
    }

    /// Stops sshd: SIGTERM, then SIGKILL if it has not ended within two seconds.
    public func stop() async {
        await daemon.stop()
    }

    /// An `ssh-agent` of its own on a socket in a temp folder, for tests of signing in
    /// with the agent's keys: a program finds it through `SSH_AUTH_SOCK` = ``socket``.
    public final class Agent: Sendable {
        public let socket: String
        private let folder: TemporaryFolder
        private let daemon: Daemon

        private init(socket: String, folder: TemporaryFolder, daemon: Daemon) {
            self.socket = socket
            self.folder = folder
            self.daemon = daemon
        }

        /// Starts the agent (`ssh-agent -D -a SOCKET`) and waits for its socket.
        public static func start() async throws -> Agent {
            let folder = try TemporaryFolder()
            let socket = folder.url("agent.sock")
            let daemon = try Daemon.spawn("/usr/bin/ssh-agent", ["-D", "-a", socket], output: "/dev/null")
            let deadline = ContinuousClock.now + .seconds(10)
            while !FileManager.default.fileExists(atPath: socket) {
                guard daemon.isRunning, ContinuousClock.now < deadline else {
                    await daemon.stop()
                    throw Failure(description: "ssh-agent did not make its socket \(socket)")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            return Agent(socket: socket, folder: folder, daemon: daemon)
        }

        /// Loads the private key at `path` into the agent (`ssh-add`).
        public func add(_ path: String) async throws {
            var environment = ProcessInfo.processInfo.environment
            environment["SSH_AUTH_SOCK"] = socket
            let result = try await ProductRunner.run(
                executable: URL(fileURLWithPath: "/usr/bin/ssh-add"), ["-q", path], environment: environment)
            guard result.status == 0 else { throw Failure(description: "ssh-add \(path): \(result.standardError)") }
        }

        public func stop() async {
            await daemon.stop()
        }
    }

    /// A long-running program (sshd, ssh-agent), stopped with SIGTERM, then SIGKILL.
    final class Daemon: Sendable {
        private let process: SpawnedProcess

        private init(process: SpawnedProcess) {
            self.process = process
        }

        /// Starts `path` with `arguments`, standard input from /dev/null and standard
        /// output and error appended to `output`.
        static func spawn(_ path: String, _ arguments: [String], output: String) throws -> Daemon {
            Daemon(
                process: try SpawnedProcess(
                    executable: path, arguments, standardOutput: .appending(toFile: output),
                    standardError: .appending(toFile: output)))
        }

        /// Whether it still runs; reaps it once it has ended.
        var isRunning: Bool { process.isRunning }

        /// SIGTERM, then SIGKILL if it has not ended within two seconds.
        func stop() async {
            guard isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(2)
            while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            if isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    /// How `known_hosts` names the server: `host` on port 22, `[host]:port` elsewhere.
    static func knownHostsName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    // MARK: - Helpers

    private static func generateKey(at path: String, passphrase: String = "") async throws {
        let result = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"),
            ["-q", "-t", "ed25519", "-N", passphrase, "-C", "cronicle-tests", "-f", path])
        guard result.status == 0 else { throw Failure(description: "ssh-keygen: \(result.standardError)") }
    }

    private static func git(_ arguments: String...) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        let result = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"), ["git"] + arguments, environment: environment)
        guard result.status == 0 else {
            throw Failure(description: "git \(arguments.joined(separator: " ")): \(result.standardError)")
        }
    }

    private static func currentUser() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }

    private static func freePort() throws -> Int {
        let (socket, port) = try TCPRelay.listenOnLoopback()
        close(socket)
        return port
    }

    /// Connects until sshd accepts (true), or it ends or ten seconds pass (false).
    private static func waitUntilListening(host: String, port: Int, while daemon: Daemon) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline && daemon.isRunning {
            if canConnect(host: host, port: port) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    private static func canConnect(host: String, port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
