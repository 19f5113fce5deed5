import Config
import CronicleTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Fetching over SSH from a real OpenSSH server with real libgit2: keys, the agent,
/// host keys checked against known_hosts, and errors that stop instead of looping.
@Suite struct GitSSHTests {
    let repository: FixtureRepository
    let server: SSHServer
    let served: String
    let cache: TemporaryFolder
    let first: String

    init() async throws {
        repository = try await FixtureRepository()
        try repository.write("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")
        first = try await repository.commit("first")
        server = try await SSHServer.start()
        served = try await server.serve(repository, as: "jobs")
        cache = try TemporaryFolder()
    }

    func source(
        _ url: String? = nil, key: String? = nil, passphrase: String? = nil, knownHosts: String? = nil
    ) -> GitDefinitions {
        GitDefinitions(
            repository: url ?? server.url(served), ref: "main", cacheDirectory: cache.path,
            access: GitRemoteAccess(
                sshKey: key ?? server.userKey, sshKeyPassphrase: passphrase,
                knownHostsFiles: [knownHosts ?? server.knownHostsFile]))
    }

    @Test func clonesThenFetchesANewCommitWithAKeyFile() async throws {
        let (commit, files) = try await source().readInBackground().get()
        #expect(commit == first)
        #expect(files.map(\.path) == ["jobs.d/a.yaml"])
        try repository.write("jobs.d/b.yaml", "job_id: b\nschedule: \"@hourly\"\n")
        let second = try await repository.commit("second")
        try await server.serve(repository, as: "jobs")
        let (fetched, newFiles) = try await source().readInBackground().get()
        #expect(fetched == second)
        #expect(newFiles.map(\.path) == ["jobs.d/a.yaml", "jobs.d/b.yaml"])
        #expect(server.log.components(separatedBy: "Accepted publickey for \(server.user)").count - 1 == 2)
    }

    @Test func keysWithoutAPubFileAndWithAPassphrase() async throws {
        let bare = cache.url("bare_ed25519")
        try FileManager.default.copyItem(atPath: server.userKey, toPath: bare)
        #expect(try await source(key: bare).readInBackground().get().commit == first)

        let locked = try await server.makeKey("locked_ed25519", passphrase: "open sesame", authorized: true)
        #expect(try await source(key: locked, passphrase: "open sesame").readInBackground().get().commit == first)
        let hint = "is protected by a passphrase: set CRONICLE_GIT_SSH_PASSPHRASE"
        let error = try #require(await source(key: locked).readFailureInBackground())
        #expect(error.message.hasSuffix("the key \(locked) \(hint)"))
        let wrong = try #require(await source(key: locked, passphrase: "open barley").readFailureInBackground())
        #expect(wrong.message.hasSuffix("or CRONICLE_GIT_SSH_PASSPHRASE is not its passphrase"))
        // Without a .pub file libssh2 fails earlier, with its own words; the hint follows them.
        let lockedAlone = cache.url("locked_alone")
        try FileManager.default.copyItem(atPath: locked, toPath: lockedAlone)
        let alone = try #require(await source(key: lockedAlone).readFailureInBackground())
        #expect(alone.message.hasSuffix("(the key \(lockedAlone) \(hint))"), "\(alone.message)")
    }

    @Test func signsInWithTheAgentThroughCronicleSync() async throws {
        let agent = try await SSHServer.Agent.start()
        try await agent.add(server.userKey)
        var environment = ProcessInfo.processInfo.environment
        environment["SSH_AUTH_SOCK"] = agent.socket
        environment["CRONICLE_GIT_KNOWN_HOSTS"] = server.knownHostsFile
        let arguments = [
            "validate", "--repo", server.url(served), "--cache-dir", cache.path, "--format", "json",
        ]
        let product = ProductRunner.productURL("cronicle-sync")
        let result = try await ProductRunner.run(executable: product, arguments, environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"commit\":\"\(first)\""))
        try repository.write("jobs.d/b.yaml", "job_id: b\nschedule: \"@hourly\"\n")
        let second = try await repository.commit("second")
        try await server.serve(repository, as: "jobs")
        let again = try await ProductRunner.run(executable: product, arguments, environment: environment)
        #expect(again.standardOutput.contains("\"commit\":\"\(second)\""), "\(again.standardError)")

        // Without the agent, nothing to sign in with: the message says what to set.
        environment["SSH_AUTH_SOCK"] = nil
        let alone = try await ProductRunner.run(executable: product, arguments, environment: environment)
        #expect(alone.status == 1)
        #expect(alone.standardError.contains("needs an SSH key: give --ssh-key FILE"))
        #expect(alone.standardError.contains("SSH_AUTH_SOCK"))
        await agent.stop()
    }

    @Test func anUnknownHostKeyIsRefusedWithItsFingerprint() async throws {
        let empty = cache.url("empty_known_hosts")
        try Data().write(to: URL(fileURLWithPath: empty))
        let error = try #require(await source(knownHosts: empty).readFailureInBackground())
        let fingerprint = try await Self.fingerprint(ofPublicKeyFile: server.folder.url("keys/host_ed25519.pub"))
        #expect(error.message.contains("the SSH host key of [127.0.0.1]:\(server.port) is unknown"))
        #expect(error.message.contains("ssh-ed25519 key \(fingerprint)"))
        #expect(error.message.contains("`ssh-keyscan -p \(server.port) 127.0.0.1 >> \(empty)`"))
        #expect(error.message.contains("nothing was fetched"))
        #expect(!error.message.contains("\n"))
        #expect(!server.log.contains("Accepted publickey"))
        #expect(try await cachedReferences().isEmpty)
    }

    @Test func aChangedHostKeyIsRefusedLoudly() async throws {
        let impostor = try await server.makeKey("impostor_ed25519", authorized: false)
        let impostorKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let recorded = cache.url("changed_known_hosts")
        try "# the old key\n[127.0.0.1]:\(server.port) \(impostorKey)\n".write(
            toFile: recorded, atomically: true, encoding: .utf8)
        let error = try #require(await source(knownHosts: recorded).readFailureInBackground())
        let old = try await Self.fingerprint(ofPublicKeyFile: impostor + ".pub")
        let new = try await Self.fingerprint(ofPublicKeyFile: server.folder.url("keys/host_ed25519.pub"))
        #expect(error.message.contains("WARNING: the SSH host key of [127.0.0.1]:\(server.port) has CHANGED"))
        #expect(error.message.contains("\(new), but \(recorded):2 holds \(old)"))
        #expect(error.message.contains("Someone may be intercepting the connection"))
        #expect(!server.log.contains("Accepted publickey"))
        #expect(try await cachedReferences().isEmpty)
    }

    @Test func hashedKnownHostsNamesAreMatched() async throws {
        let hashed = cache.url("hashed_known_hosts")
        try FileManager.default.copyItem(atPath: server.knownHostsFile, toPath: hashed)
        let hashing = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"), ["-H", "-f", hashed])
        #expect(hashing.status == 0)
        let text = try String(contentsOfFile: hashed, encoding: .utf8)
        #expect(text.hasPrefix("|1|") && !text.contains("127.0.0.1"))
        #expect(try await source(knownHosts: hashed).readInBackground().get().commit == first)
    }

    @Test func aRefusedKeyEndsAtOnceWithAClearError() async throws {
        let stranger = try await server.makeKey("stranger_ed25519", authorized: false)
        let started = ContinuousClock.now
        let error = try #require(await source(key: stranger).readFailureInBackground())
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(
            error.message
                == "cannot fetch '\(server.url(served))': the server refused the key \(stranger) for "
                + "\(server.user)@127.0.0.1 port \(server.port); check that its public key "
                + "(`ssh-keygen -y -f \(stranger)` prints it) is allowed there")
        #expect(try await cachedReferences().isEmpty)
    }

    /// An scp-like address has no port, so its server listens on port 22: of an address
    /// of its own in 127.0.0.0/8, which needs root.
    @Test(.enabled(if: Self.port22IsFree, "needs root and a free port 22 on the loopback addresses"))
    func scpLikeAddressesWithAndWithoutAUser() async throws {
        let host = "127.77.\(Int.random(in: 1...254)).\(Int.random(in: 1...254))"
        let onPort22 = try await SSHServer.start(host: host, port: 22)
        let path = try await onPort22.serve(repository, as: "jobs")
        #expect(try String(contentsOfFile: onPort22.knownHostsFile, encoding: .utf8).hasPrefix("\(host) ssh-ed25519 "))
        let scpLike = "\(onPort22.user)@\(host):\(path)"
        let withUser = source(scpLike, key: onPort22.userKey, knownHosts: onPort22.knownHostsFile)
        #expect(try await withUser.readInBackground().get().commit == first)
        // Without a user the login is `git`, whom this server does not let in.
        let withoutUser = source("\(host):\(path)", key: onPort22.userKey, knownHosts: onPort22.knownHostsFile)
        let error = try #require(await withoutUser.readFailureInBackground())
        #expect(error.message.contains("the server refused the key \(onPort22.userKey) for git@\(host);"))
        await onPort22.stop()
    }

    static var port22IsFree: Bool {
        guard getuid() == 0 else { return false }
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(22).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        return !connected
    }

    @Test func aMissingKeyFileNamesItsPath() async throws {
        let missing = cache.url("no_such_key")
        let error = try #require(await source(key: missing).readFailureInBackground())
        #expect(error.message == "the SSH key \(missing) does not exist")
        let usage = try await ProductRunner.run(
            "cronicle-sync", ["validate", "--repo", server.url(served), "--ssh-key", missing])
        #expect(usage.status == 2)
        #expect(usage.standardError.contains("the SSH key \(missing) does not exist"))
    }

    // MARK: - Helpers

    /// Reads on a thread of its own: `read()` waits on the network, and a test that
    /// waited on one of the concurrency pool's two threads would stall every other test.

    /// Every ref in the cache repositories; empty when nothing was fetched.
    func cachedReferences() async throws -> [String] {
        var references: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: cache.path) {
            let folder = cache.url(name)
            guard FileManager.default.fileExists(atPath: folder + "/HEAD") else { continue }
            let result = try await ProductRunner.run(
                executable: URL(fileURLWithPath: "/usr/bin/env"), ["git", "--git-dir", folder, "for-each-ref"])
            references += result.standardOutput.split(separator: "\n").map(String.init)
        }
        return references
    }

    /// `SHA256:...` as `ssh-keygen -lf` prints it.
    static func fingerprint(ofPublicKeyFile path: String) async throws -> String {
        let result = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"), ["-lf", path])
        return String(result.standardOutput.split(separator: " ")[1])
    }
}
