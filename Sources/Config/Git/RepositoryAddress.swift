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

    /// `text` with every occurrence of `address`'s user information replaced, for
    /// messages from libraries that quote the URL they were given.
    public static func scrub(_ text: String, of address: String) -> String {
        guard let schemeEnd = address.range(of: "://") else { return text }
        let rest = address[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        let userInfo = String(rest[..<at])
        var scrubbed = text.replacingOccurrences(of: address, with: redacted(address))
        for secret in userInfo.split(separator: ":").map(String.init) where secret.count >= 4 {
            scrubbed = scrubbed.replacingOccurrences(of: secret, with: "***")
        }
        return scrubbed
    }
}
