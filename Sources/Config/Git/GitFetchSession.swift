import CLibGit2
import Foundation

/// The state one fetch's libgit2 callbacks share: which credentials were offered, and
/// why the fetch was refused, in words a person can act on.
///
/// libgit2 calls the credentials callback again each time the server refuses what it
/// was given, for as long as the callback offers something; each kind of credential is
/// therefore offered once, and a second request for it ends the fetch with a message
/// instead of a loop. The session reaches the C callbacks through their payload
/// pointer and must outlive `git_remote_fetch`:
///
/// ```swift
/// let session = GitFetchSession(remote: GitRemoteURL(url), access: access)
/// session.install(on: &options.callbacks)
/// let status = withExtendedLifetime(session) { git_remote_fetch(remote, &refspecs, &options, nil) }
/// if status != 0, let refusal = session.refusal { ... }
/// ```
///
/// Not `Sendable`: libgit2 calls back on the thread that called `git_remote_fetch`.
final class GitFetchSession {
    let remote: GitRemoteURL
    let access: GitRemoteAccess
    /// Why the fetch was stopped by a callback; libgit2's own message is vaguer.
    private(set) var refusal: String?
    private var offered: Set<Offer> = []

    private enum Offer: Hashable {
        case sshKey, sshAgent, password
    }

    init(remote: GitRemoteURL, access: GitRemoteAccess) {
        self.remote = remote
        self.access = access
    }

    /// Points `callbacks` at this session.
    func install(on callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { credential, _, username, allowedTypes, payload in
            guard let credential, let payload else { return GIT_PASSTHROUGH.rawValue }
            let session = Unmanaged<GitFetchSession>.fromOpaque(payload).takeUnretainedValue()
            return session.credential(credential, username: username.map { String(cString: $0) }, allowed: allowedTypes)
        }
        callbacks.certificate_check = { certificate, _, host, payload in
            guard let certificate, let payload else { return GIT_PASSTHROUGH.rawValue }
            let session = Unmanaged<GitFetchSession>.fromOpaque(payload).takeUnretainedValue()
            return session.checkCertificate(certificate, host: host.map { String(cString: $0) })
        }
    }

    // MARK: - Credentials

    private var sshUser: String { remote.user.flatMap { $0.isEmpty ? nil : $0 } ?? "git" }

    /// `user@host`, with ` port N` off port 22, for messages.
    private func login(_ user: String) -> String {
        let port = remote.port.map { $0 == 22 ? "" : " port \($0)" } ?? ""
        return "\(user)@\(remote.host ?? "the server")\(port)"
    }

    private func credential(
        _ credential: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String?, allowed: UInt32
    ) -> Int32 {
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(credential, sshUser)
        }
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            return sshCredential(credential, user: username ?? sshUser)
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            if remote.kind == .ssh {
                return refuse(
                    "\(login(username ?? sshUser)) accepts only passwords, and cronicle-sync signs in to SSH servers "
                        + "with keys: give --ssh-key FILE, or load the key into an SSH agent (SSH_AUTH_SOCK)")
            }
            return passwordCredential(credential)
        }
        return refuse("\(remote.withoutCredentials) asks for a kind of sign-in cronicle-sync does not support")
    }

    private func sshCredential(
        _ credential: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String
    ) -> Int32 {
        if let key = access.sshKey {
            guard offered.insert(.sshKey).inserted else {
                // libssh2 reports a key it could not decrypt as one the server refused.
                if SSHPrivateKeyFile.isPassphraseProtected(atPath: key) {
                    return refuse(
                        access.sshKeyPassphrase == nil
                            ? "the key \(key) is protected by a passphrase: set CRONICLE_GIT_SSH_PASSPHRASE"
                            : "the server refused the key \(key) for \(login(user)), or CRONICLE_GIT_SSH_PASSPHRASE "
                                + "is not its passphrase")
                }
                return refuse(
                    "the server refused the key \(key) for \(login(user)); check that its public key "
                        + "(`ssh-keygen -y -f \(key)` prints it) is allowed there")
            }
            let publicKey = FileManager.default.fileExists(atPath: key + ".pub") ? key + ".pub" : nil
            return git_credential_ssh_key_new(credential, user, publicKey, key, access.sshKeyPassphrase)
        }
        if access.usesSSHAgent {
            guard offered.insert(.sshAgent).inserted else {
                return refuse(
                    "the server refused every key the SSH agent (SSH_AUTH_SOCK) offered for \(login(user)); check "
                        + "that one of them (`ssh-add -L` lists them) is allowed there, or give --ssh-key FILE")
            }
            return git_credential_ssh_key_from_agent(credential, user)
        }
        return refuse(
            "\(login(user)) needs an SSH key: give --ssh-key FILE (a private key; a passphrase in "
                + "CRONICLE_GIT_SSH_PASSPHRASE), or load the key into an SSH agent and set SSH_AUTH_SOCK")
    }

    private func passwordCredential(_ credential: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>)
        -> Int32
    {
        let address = remote.withoutCredentials
        let fromEnvironment = access.password.map { (access.username ?? remote.user ?? "git", $0) }
        let fromURL = remote.user.map { ($0, remote.password ?? "") }
        guard let (user, password) = fromEnvironment ?? fromURL else {
            return refuse(
                "\(address) asks for a user name and password: set CRONICLE_GIT_USERNAME and "
                    + "CRONICLE_GIT_PASSWORD (a token as the password)")
        }
        guard offered.insert(.password).inserted else {
            return refuse(
                fromEnvironment != nil
                    ? "the server refused the user name and password from CRONICLE_GIT_USERNAME/CRONICLE_GIT_PASSWORD "
                        + "for \(address)"
                    : "the server refused the user name and password in the URL of \(address)")
        }
        return git_credential_userpass_plaintext_new(credential, user, password)
    }

    // MARK: - Host keys

    private func checkCertificate(_ certificate: UnsafeMutablePointer<git_cert>, host: String?) -> Int32 {
        // HTTPS certificates: libgit2 has checked them against the system's trust store.
        guard certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
        let hostKey = UnsafeRawPointer(certificate).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        let host = host ?? remote.host ?? ""
        guard hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey, hostKey.hostkey_len > 0
        else {
            return refuse(
                "cannot check the SSH host key of \(host): libgit2 did not pass it on", code: GIT_ECERTIFICATE)
        }
        let key = SSHPublicKey(blob: Data(bytes: raw, count: hostKey.hostkey_len))
        let port = remote.port ?? 22
        let name = KnownHosts.lookupName(host: host, port: port)
        let knownHosts = KnownHosts(files: access.knownHostsFiles)
        let files = access.knownHostsFiles.joined(separator: ", ")
        let scan = "ssh-keyscan\(port == 22 ? "" : " -p \(port)") \(host)"
        let addTo = access.knownHostsFileToAddTo
        switch knownHosts.check(host: host, port: port, key: key) {
        case .known:
            return 0
        case .unknown(let otherTypes):
            let others =
                otherTypes.isEmpty
                ? ""
                : " (only its \(Set(otherTypes.map(\.key.type)).sorted().joined(separator: ", ")) key is on record, "
                    + "at \(otherTypes[0].location))"
            return refuse(
                "the SSH host key of \(name) is unknown: the server showed the \(key.type) key \(key.fingerprint), "
                    + "and \(files) hold no such key for it\(others); nothing was fetched. Make sure that "
                    + "fingerprint is the server's (`\(scan) | ssh-keygen -lf -` prints what it shows; its "
                    + "administrator or your git host publishes the real one), then add it with "
                    + "`\(scan) >> \(addTo)`",
                code: GIT_ECERTIFICATE)
        case .changed(let entry):
            return refuse(
                "WARNING: the SSH host key of \(name) has CHANGED: the server showed the \(key.type) key "
                    + "\(key.fingerprint), but \(entry.location) holds \(entry.key.fingerprint). Someone may be "
                    + "intercepting the connection (a man-in-the-middle attack), or the server's key was replaced; "
                    + "nothing was fetched. Only once its administrator confirms the new fingerprint, remove the old "
                    + "key with `ssh-keygen -R '\(name)' -f \(entry.file)` and add the new one with "
                    + "`\(scan) >> \(entry.file)`",
                code: GIT_ECERTIFICATE)
        case .revoked(let entry):
            return refuse(
                "the SSH host key of \(name) (\(key.type) \(key.fingerprint)) is marked @revoked at "
                    + "\(entry.location); nothing was fetched",
                code: GIT_ECERTIFICATE)
        }
    }

    private func refuse(_ message: String, code: git_error_code = GIT_EUSER) -> Int32 {
        refusal = message
        return code.rawValue
    }
}
