import Crypto
import Foundation

/// OpenSSH `known_hosts` files, read to decide whether an SSH server's host key is
/// the one on record.
///
/// Understands what OpenSSH writes and reads: host patterns separated by commas, with
/// `*` and `?` wildcards and `!` negation; `[host]:port` for servers off port 22;
/// hashed names (`|1|salt|hmac`, from `HashKnownHosts yes` or `ssh-keygen -H`);
/// any key type, compared byte for byte; the `@revoked` marker. `@cert-authority`
/// lines are skipped: libssh2 does not present host certificates.
///
/// ```swift
/// let knownHosts = KnownHosts(files: ["/root/.ssh/known_hosts"])
/// switch knownHosts.check(host: "github.com", port: 22, key: serverKey) { ... }
/// ```
struct KnownHosts: Sendable {
    /// One line that names a key.
    struct Entry: Sendable, Hashable {
        enum Marker: Sendable, Hashable {
            case none, revoked, certificateAuthority
        }

        enum Hosts: Sendable, Hashable {
            /// Patterns as written, lowercased: `github.com`, `*.example.com`, `!bad.example.com`, `[host]:2222`.
            case patterns([String])
            /// `|1|salt|hmac`: the HMAC-SHA1 of the name, keyed with the salt.
            case hashed(salt: Data, hash: Data)
        }

        let file: String
        let line: Int
        let marker: Marker
        let hosts: Hosts
        let key: SSHPublicKey

        /// Whether the line is about `name` (`host` or `[host]:port`, lowercased).
        func matches(_ name: String) -> Bool {
            switch hosts {
            case .hashed(let salt, let hash):
                let code = HMAC<Insecure.SHA1>.authenticationCode(
                    for: Data(name.utf8), using: SymmetricKey(data: salt))
                return Data(code) == hash
            case .patterns(let patterns):
                var matched = false
                for pattern in patterns {
                    if pattern.hasPrefix("!") {
                        if KnownHosts.glob(pattern.dropFirst(), matches: name) { return false }
                    } else if KnownHosts.glob(Substring(pattern), matches: name) {
                        matched = true
                    }
                }
                return matched
            }
        }

        /// `file:line`, for messages.
        var location: String { "\(file):\(line)" }
    }

    /// What the files say about a host and the key it showed.
    enum Verdict: Sendable, Hashable {
        /// A line holds this very key.
        case known(Entry)
        /// No line holds a key for the host; `otherTypes` are lines with keys of other
        /// types (the server showed, say, its ECDSA key and only its RSA key is on record).
        case unknown(otherTypes: [Entry])
        /// A line holds another key of the same type for the host.
        case changed(Entry)
        /// The key is marked `@revoked`.
        case revoked(Entry)
    }

    let entries: [Entry]
    let files: [String]

    /// Reads `files`; missing or unreadable ones count as empty.
    init(files: [String]) {
        self.files = files
        entries = files.flatMap { file in
            (try? String(contentsOfFile: file, encoding: .utf8)).map { Self.parse($0, file: file) } ?? []
        }
    }

    init(text: String, file: String) {
        files = [file]
        entries = Self.parse(text, file: file)
    }

    /// The name OpenSSH looks a host up by: `host` on port 22, `[host]:port` on others.
    static func lookupName(host: String, port: Int) -> String {
        port == 22 ? host.lowercased() : "[\(host.lowercased())]:\(port)"
    }

    func check(host: String, port: Int, key: SSHPublicKey) -> Verdict {
        let name = Self.lookupName(host: host, port: port)
        let lines = entries.filter { $0.marker != .certificateAuthority && $0.matches(name) }
        if let revoked = lines.first(where: { $0.marker == .revoked && $0.key == key }) { return .revoked(revoked) }
        let plain = lines.filter { $0.marker == .none }
        if let known = plain.first(where: { $0.key == key }) { return .known(known) }
        if let changed = plain.first(where: { $0.key.type == key.type }) { return .changed(changed) }
        return .unknown(otherTypes: plain)
    }

    static func parse(_ text: String, file: String) -> [Entry] {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })[...]
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var marker = Entry.Marker.none
            if first.hasPrefix("@") {
                switch first {
                case "@revoked": marker = .revoked
                case "@cert-authority": marker = .certificateAuthority
                default: continue
                }
                fields = fields.dropFirst()
            }
            guard fields.count >= 3 else { continue }
            let hostField = fields[fields.startIndex]
            let typeField = fields[fields.startIndex + 1]
            guard let key = SSHPublicKey(base64: fields[fields.startIndex + 2]), key.type == typeField,
                let hosts = Self.hosts(hostField)
            else { continue }
            entries.append(Entry(file: file, line: index + 1, marker: marker, hosts: hosts, key: key))
        }
        return entries
    }

    private static func hosts(_ field: Substring) -> Entry.Hosts? {
        if field.hasPrefix("|1|") {
            let parts = field.dropFirst(3).split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 2, let salt = Data(base64Encoded: String(parts[0])),
                let hash = Data(base64Encoded: String(parts[1]))
            else { return nil }
            return .hashed(salt: salt, hash: hash)
        }
        return .patterns(field.split(separator: ",").map { $0.lowercased() })
    }

    /// OpenSSH's `match_pattern`: `*` is any run of characters, `?` any one.
    static func glob(_ pattern: Substring, matches name: String) -> Bool {
        let pattern = Array(pattern.utf8)
        let name = Array(name.utf8)
        var patternIndex = 0
        var nameIndex = 0
        var star: (pattern: Int, name: Int)?
        while nameIndex < name.count {
            if patternIndex < pattern.count
                && (pattern[patternIndex] == UInt8(ascii: "?") || pattern[patternIndex] == name[nameIndex])
            {
                patternIndex += 1
                nameIndex += 1
            } else if patternIndex < pattern.count && pattern[patternIndex] == UInt8(ascii: "*") {
                star = (patternIndex, nameIndex)
                patternIndex += 1
            } else if let last = star {
                patternIndex = last.pattern + 1
                nameIndex = last.name + 1
                star = (last.pattern, last.name + 1)
            } else {
                return false
            }
        }
        while patternIndex < pattern.count && pattern[patternIndex] == UInt8(ascii: "*") { patternIndex += 1 }
        return patternIndex == pattern.count
    }
}
