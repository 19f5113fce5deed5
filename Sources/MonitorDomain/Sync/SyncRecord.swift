import Config
import Foundation

/// One apply, as `GET /sync/history` and `cronicle-sync status` show it.
public struct SyncRecord: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable {
        /// The jobs now match the source at `commit`.
        case applied
        /// Nothing changed: the definitions had errors, or conflicts stopped the apply.
        case failed
    }

    public var id: Int64
    public var appliedAt: Date
    public var source: SyncSource
    public var result: Result
    public var created: Int
    public var updated: Int
    public var deleted: Int
    public var unchanged: Int
    /// Why a failed apply failed.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case id, appliedAt = "applied_at", source, result, created, updated, deleted, unchanged, error
    }

    package init(
        id: Int64, appliedAt: Date, source: SyncSource, result: Result, created: Int, updated: Int, deleted: Int,
        unchanged: Int, error: String?
    ) {
        self.id = id
        self.appliedAt = appliedAt
        self.source = source
        self.result = result
        self.created = created
        self.updated = updated
        self.deleted = deleted
        self.unchanged = unchanged
        self.error = error
    }
}

/// What a plan or an apply found: the definitions' diagnostics, the plan (when they
/// had no errors), and for an apply, its record.
public struct SyncReport: Sendable, Hashable, Codable {
    public var diagnostics: [Diagnostic]
    public var plan: SyncPlan?
    public var record: SyncRecord?
    /// True when the apply's request id had been applied before (the answer to it was
    /// lost and the client sent it again): `record` is that first apply's, and nothing
    /// was done now. Absent otherwise.
    public var repeated: Bool?

    public init(diagnostics: [Diagnostic] = [], plan: SyncPlan? = nil, record: SyncRecord? = nil, repeated: Bool? = nil)
    {
        self.diagnostics = diagnostics
        self.plan = plan
        self.record = record
        self.repeated = repeated
    }

    /// Whether the definitions or the plan stop an apply.
    public var failed: Bool { failure != nil }

    /// Why an apply of these definitions changes nothing, in one line (the sync history
    /// keeps it, the API answers it); nil when nothing stops it.
    public var failure: String? {
        let errors = diagnostics.filter { $0.severity == .error }
        if let first = errors.first { return "\(errors.count) error(s) in the job definitions; the first: \(first)" }
        if let refusal = plan?.refusal { return refusal }
        if let plan, plan.hasConflicts {
            let messages =
                plan.conflicts.map(\.message) + plan.channels.conflicts.compactMap(\.message)
                + plan.windows.conflicts.compactMap(\.message)
            return "\(messages.count) conflict(s); the first: \(messages[0])"
        }
        if repeated == true, let record, record.result == .failed { return record.error ?? "the apply failed" }
        return nil
    }
}
