import Foundation

/// Filters of `GET /alerts`.
public struct AlertQuery: Sendable {
    public var jobID: String?
    public var kind: JobAlert.Kind?
    public var acknowledged: Bool?
    public var resolved: Bool?
    public var page = PageRequest()

    public init(
        jobID: String? = nil, kind: JobAlert.Kind? = nil, acknowledged: Bool? = nil, resolved: Bool? = nil,
        page: PageRequest = PageRequest()
    ) {
        self.jobID = jobID
        self.kind = kind
        self.acknowledged = acknowledged
        self.resolved = resolved
        self.page = page
    }
}
