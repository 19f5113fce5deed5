import Foundation

/// A `--repo` value taken apart the way git reads it: a URL (`https://`, `ssh://`,
/// `file://`), an scp-like address (`git@host:ops/jobs.git`), or a local path.
///
/// ```swift
/// let remote = GitRemoteURL("git@github.com:acme/jobs.git")
/// remote.kind            // .ssh
/// remote.host            // "github.com"
/// remote.port            // 22
/// remote.user            // "git"
/// ```
///
/// Git's rule for the scp-like form: a colon with no slash before it, in text that is
/// not a URL. `jobs:2024/jobs.git` is therefore host `jobs`, and a local folder whose
/// name has a colon is written `./jobs:2024`.
struct GitRemoteURL: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case ssh, http, local, other
    }

    /// The address as the user gave it.
    let original: String
    let kind: Kind
    /// Lowercased: `ssh`, `https`, `http`, `file`; nil for the scp-like form and paths.
    let scheme: String?
    /// The user name, percent-decoded: `git` in `git@host:path`, `bot` in `https://bot:x@host`.
    let user: String?
    /// The password, percent-decoded: only URLs hold one.
    let password: String?
    /// The host as written, without the brackets of an IPv6 address.
    let host: String?
    /// The port, or the scheme's default (22 for SSH, 443 for https, 80 for http).
    let port: Int?
    let isSCPLike: Bool

    init(_ address: String) {
        original = address
        if let schemeEnd = address.range(of: "://") {
            let scheme = address[..<schemeEnd.lowerBound].lowercased()
            self.scheme = scheme
            isSCPLike = false
            let rest = address[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            var hostAndPort = authority
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                user = Self.decoded(parts[0])
                password = parts.count > 1 ? Self.decoded(parts[1]) : nil
                hostAndPort = authority[authority.index(after: at)...]
            } else {
                user = nil
                password = nil
            }
            let (host, explicitPort) = Self.split(hostAndPort)
            self.host = host.isEmpty ? nil : host
            switch scheme {
            case "ssh", "ssh+git", "git+ssh":
                kind = .ssh
                port = explicitPort ?? 22
            case "https":
                kind = .http
                port = explicitPort ?? 443
            case "http":
                kind = .http
                port = explicitPort ?? 80
            case "file":
                kind = .local
                port = nil
            default:
                kind = .other
                port = explicitPort
            }
        } else if let colon = address.firstIndex(of: ":"), !address[..<colon].contains("/"), colon != address.startIndex
        {
            let login = address[..<colon]
            scheme = nil
            isSCPLike = true
            kind = .ssh
            port = 22
            password = nil
            if let at = login.lastIndex(of: "@") {
                user = String(login[..<at])
                host = Self.unbracketed(login[login.index(after: at)...])
            } else {
                user = nil
                host = Self.unbracketed(login)
            }
        } else {
            scheme = nil
            isSCPLike = false
            kind = .local
            user = nil
            password = nil
            host = nil
            port = nil
        }
    }

    /// The address to hand libgit2: over HTTP with no user information at all (the
    /// credentials callback supplies it), over SSH with the user but no password, and
    /// `git+ssh://` spelled `ssh://`, which libgit2 1.5 refuses as a malformed URL. It is
    /// what the cache repository's config records, so no token is ever written there.
    var withoutCredentials: String {
        guard let schemeEnd = original.range(of: "://") else { return original }
        let rest = original[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let hostAndPort = authority[authority.index(after: at)...]
            let login = authority[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
            authority = kind == .ssh && !login.isEmpty ? login + "@" + hostAndPort : hostAndPort
        }
        let scheme = kind == .ssh ? "ssh" : String(original[..<schemeEnd.lowerBound])
        return scheme + "://" + authority + rest[authorityEnd...]
    }

    /// The repository's path: after the host of a URL (`/acme/jobs.git`, query left out),
    /// after the colon of the scp-like form (`acme/jobs.git`), or the whole local path.
    var path: String {
        if let schemeEnd = original.range(of: "://") {
            let rest = original[schemeEnd.upperBound...]
            let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            return String(rest[start...].prefix { $0 != "?" && $0 != "#" })
        }
        if isSCPLike, let colon = original.firstIndex(of: ":") {
            return String(original[original.index(after: colon)...])
        }
        return original
    }

    /// How OpenSSH names this host in `known_hosts`: `host` on port 22, `[host]:port` elsewhere.
    var knownHostsName: String? {
        guard let host else { return nil }
        let port = port ?? 22
        return port == 22 ? host.lowercased() : "[\(host.lowercased())]:\(port)"
    }

    private static func decoded(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }

    private static func unbracketed(_ host: Substring) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : String(host)
    }

    /// `host`, `host:port`, `[::1]` or `[::1]:port`.
    private static func split(_ hostAndPort: Substring) -> (host: String, port: Int?) {
        if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
            let host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            return (String(host), after.hasPrefix(":") ? Int(after.dropFirst()) : nil)
        }
        if let colon = hostAndPort.lastIndex(of: ":") {
            return (String(hostAndPort[..<colon]), Int(hostAndPort[hostAndPort.index(after: colon)...]))
        }
        return (String(hostAndPort), nil)
    }
}
