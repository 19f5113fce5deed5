import Foundation

/// A page of the audit log, newest first, filtered (`GET /audit`).
public struct AuditQuery: Sendable {
    public var jobID: String?
    public var actor: String?
    public var kind: AuditEntry.Kind?
    public var since: Date?
    public var until: Date?
    public var page: PageRequest

    public init(
        jobID: String? = nil, actor: String? = nil, kind: AuditEntry.Kind? = nil, since: Date? = nil,
        until: Date? = nil, page: PageRequest = PageRequest()
    ) {
        self.jobID = jobID
        self.actor = actor
        self.kind = kind
        self.since = since
        self.until = until
        self.page = page
    }
}
