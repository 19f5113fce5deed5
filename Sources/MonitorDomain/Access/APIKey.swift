import Config
import Foundation

/// A key made with `cronicle keys create` (DESIGN.md §13): a name, a scope, and for a
/// ping key the jobs it covers. The secret itself is never kept; only its SHA-256
/// (``KeySecret/hash(_:)``), which is what a request's key is looked up by.
public struct APIKey: Sendable, Hashable {
    /// Unique among every key made, revoked ones included, so the audit log's names stay unambiguous.
    public var name: String
    public var scope: AccessScope
    /// Job id globs a `ping` key covers; with `tags`, empty means every job.
    public var jobs: [String]
    /// Tags a `ping` key covers: a job with any of them.
    public var tags: [String]
    /// The first characters of the secret, to tell keys apart in lists (`crk_4fQ2…`).
    public var hint: String
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?
    public var revokedBy: String?

    public init(
        name: String, scope: AccessScope, jobs: [String] = [], tags: [String] = [], hint: String,
        createdAt: Date, createdBy: String, revokedAt: Date? = nil, revokedBy: String? = nil
    ) {
        self.name = name
        self.scope = scope
        self.jobs = jobs
        self.tags = tags
        self.hint = hint
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Whether the key limits the jobs it may ping.
    public var isLimitedToJobs: Bool { !jobs.isEmpty || !tags.isEmpty }

    /// Whether this key may record runs of the job `jobID` with `jobTags`.
    public func covers(jobID: String, tags jobTags: [String]) -> Bool {
        guard isLimitedToJobs else { return true }
        return jobs.contains { Glob.matches($0, jobID) } || tags.contains(where: jobTags.contains)
    }

    /// Refuses a name that is not 1-64 letters, digits, `_`, `.` or `-`, starting with a letter or digit.
    public static func checkName(_ name: String) throws(MonitorError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...64).contains(name.utf8.count), let first = name.utf8.first,
            first != UInt8(ascii: "_"), first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else {
            throw MonitorError(
                .invalidRequest,
                "'\(name)' is not a key name; write 1 to 64 letters, digits, '_', '.' or '-', starting with a "
                    + "letter or digit (ci-deploy, grafana.read)")
        }
    }

    /// What the key covers, in words, for lists and refusals.
    public var coverage: String {
        guard scope == .ping else { return "" }
        guard isLimitedToJobs else { return "every job" }
        return (jobs.map { "jobs \($0)" } + tags.map { "tag \($0)" }).joined(separator: ", ")
    }
}
