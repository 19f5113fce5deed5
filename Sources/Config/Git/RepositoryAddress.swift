import Foundation

/// A repository's address as it may be stored, logged and shown: with no password or
/// token in it.
///
/// `https://bot:TOKEN@host/ops/jobs.git` and `https://TOKEN@host/ops/jobs.git` become
/// `https://host/ops/jobs.git`: over HTTP the user name is often the token itself.
/// `ssh://git@host/ops/jobs.git` keeps its user (a login name, never a secret) and loses
/// a password; scp-like `git@host:ops/jobs.git` and local paths cannot hold one and stay
/// as written. The scheme and host are lowered and a trailing `/` dropped, so that
/// one repository written two ways is one source.
public enum RepositoryAddress {
    public static func redacted(_ address: String) -> String {
        guard let schemeEnd = address.range(of: "://") else { return address }
        let scheme = address[..<schemeEnd.lowerBound].lowercased()
        var rest = address[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            let host = authority[authority.index(after: at)...]
            let login = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let keepsUser = (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") && !login.isEmpty
            authority = keepsUser ? Substring("\(login)@\(host.lowercased())") : Substring(host.lowercased())
        } else {
            authority = Substring(authority.lowercased())
        }
        rest = Substring(authority + tail)
        var result = "\(scheme)://\(rest)"
        while result.hasSuffix("/") && !result.hasSuffix("://") { result.removeLast() }
        return result
    }

    /// The repository named the same however it is reached: `https://bot:TOKEN@GitHub.com/acme/jobs.git`,
    /// `ssh://git@github.com:22/acme/jobs` and `git@github.com:acme/jobs.git` are all
    /// `github.com/acme/jobs` (host lowered; no scheme, user, password, port or `.git`),
    /// so a laptop's SSH clone, CI's HTTPS checkout and `watch` agree; `file://` URLs and
    /// local paths are their path, as written.
    public static func identity(_ address: String) -> String {
        let remote = GitRemoteURL(address)
        var path = remote.path
        while path.hasSuffix("/") { path.removeLast() }
        // A folder on disk is named as it is (jobs and jobs.git may be two folders).
        guard let host = remote.host, remote.kind != .local else { return path }
        if path.hasSuffix(".git") { path.removeLast(4) }
        while path.hasPrefix("/") { path.removeFirst() }
        return host.lowercased() + "/" + path
    }

    /// `text` with every occurrence of `address`'s secrets replaced, for messages from
    /// libraries that quote the URL they were given: its password, and over HTTP its user
    /// name too (often the token itself); an SSH login name is no secret and stays.
    public static func scrub(_ text: String, of address: String) -> String {
        guard let schemeEnd = address.range(of: "://") else { return text }
        let rest = address[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        let scheme = address[..<schemeEnd.lowerBound].lowercased()
        var secrets = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if ["ssh", "git+ssh", "ssh+git"].contains(scheme) { secrets.removeFirst() }
        var scrubbed = text.replacingOccurrences(of: address, with: redacted(address))
        for secret in secrets where secret.count >= 4 {
            scrubbed = scrubbed.replacingOccurrences(of: secret, with: "***")
        }
        return scrubbed
    }
}
