import Foundation

/// How ``GitDefinitions`` signs in to a remote repository and checks who it talks to:
/// credentials for HTTP(S), a key or the agent for SSH, and the `known_hosts` files
/// that SSH host keys are checked against.
///
/// A value, read once: `cronicle-sync` builds it from its flags and the environment
/// with ``init(environment:sshKey:)``; tests give each read its own.
///
/// ```swift
/// let access = GitRemoteAccess(environment: ProcessInfo.processInfo.environment, sshKey: "/etc/cronicle/id_ed25519")
/// let source = GitDefinitions(repository: "git@github.com:acme/jobs.git", ref: "main", access: access)
/// ```
public struct GitRemoteAccess: Sendable, Hashable {
    /// The user name over HTTP(S) (`CRONICLE_GIT_USERNAME`); with no password it is not used.
    public var username: String?
    /// The password or token over HTTP(S) (`CRONICLE_GIT_PASSWORD`). When set, it is
    /// used instead of any user information in the URL.
    public var password: String?
    /// A private key file for SSH (`--ssh-key`). Its public key is `FILE.pub` when that
    /// exists, or derived from the private key.
    public var sshKey: String?
    /// The passphrase of ``sshKey`` (`CRONICLE_GIT_SSH_PASSPHRASE`).
    public var sshKeyPassphrase: String?
    /// Whether to offer the SSH agent's keys when there is no ``sshKey``. libssh2 finds
    /// the agent through the process's own `SSH_AUTH_SOCK`, so this only says whether
    /// to ask it; the environment initialiser sets it when `SSH_AUTH_SOCK` is set.
    public var usesSSHAgent: Bool
    /// The `known_hosts` files, in order; missing files are skipped.
    public var knownHostsFiles: [String]
    /// Where the message for an unknown host tells the user to add its key.
    public var knownHostsFileToAddTo: String

    /// The user's `~/.ssh/known_hosts`, then the system's `/etc/ssh/ssh_known_hosts`.
    public static var defaultKnownHostsFiles: [String] {
        [(NSHomeDirectory() as NSString).appendingPathComponent(".ssh/known_hosts"), "/etc/ssh/ssh_known_hosts"]
    }

    /// No credentials, no agent, and the default `known_hosts` files.
    public init(
        username: String? = nil, password: String? = nil, sshKey: String? = nil, sshKeyPassphrase: String? = nil,
        usesSSHAgent: Bool = false, knownHostsFiles: [String] = Self.defaultKnownHostsFiles
    ) {
        self.username = username
        self.password = password
        self.sshKey = sshKey
        self.sshKeyPassphrase = sshKeyPassphrase
        self.usesSSHAgent = usesSSHAgent
        self.knownHostsFiles = knownHostsFiles
        self.knownHostsFileToAddTo = knownHostsFiles.first ?? "~/.ssh/known_hosts"
    }

    /// Reads `CRONICLE_GIT_USERNAME`, `CRONICLE_GIT_PASSWORD`,
    /// `CRONICLE_GIT_SSH_PASSPHRASE`, `SSH_AUTH_SOCK` and `CRONICLE_GIT_KNOWN_HOSTS` (one
    /// file, which then replaces the default ones). Empty values count as unset.
    public init(environment: [String: String], sshKey: String? = nil) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.init(
            username: value("CRONICLE_GIT_USERNAME"), password: value("CRONICLE_GIT_PASSWORD"), sshKey: sshKey,
            sshKeyPassphrase: value("CRONICLE_GIT_SSH_PASSPHRASE"), usesSSHAgent: value("SSH_AUTH_SOCK") != nil,
            knownHostsFiles: value("CRONICLE_GIT_KNOWN_HOSTS").map { [$0] } ?? Self.defaultKnownHostsFiles)
    }

    /// Why ``sshKey`` cannot be used (it does not exist, is a folder, cannot be read),
    /// naming the path; nil when it can, or when there is none.
    public var sshKeyProblem: String? {
        sshKey.flatMap(SSHPrivateKeyFile.problem(atPath:))
    }
}

// A password printed by accident (`print(access)`, a debugger, a crash log) must not show.
extension GitRemoteAccess: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "GitRemoteAccess(username: \(username ?? "nil"), password: \(password == nil ? "nil" : "***"), "
            + "sshKey: \(sshKey ?? "nil"), sshKeyPassphrase: \(sshKeyPassphrase == nil ? "nil" : "***"), "
            + "usesSSHAgent: \(usesSSHAgent), knownHostsFiles: \(knownHostsFiles))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
