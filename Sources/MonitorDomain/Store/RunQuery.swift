import Foundation

/// Filters of `GET /job_runs`.
public struct RunQuery: Sendable {
    public var jobID: String?
    public var status: JobRun.Status?
    public var since: Date?
    public var until: Date?
    public var page = PageRequest()

    public init(
        jobID: String? = nil, status: JobRun.Status? = nil, since: Date? = nil, until: Date? = nil,
        page: PageRequest = PageRequest()
    ) {
        self.jobID = jobID
        self.status = status
        self.since = since
        self.until = until
        self.page = page
    }
}
