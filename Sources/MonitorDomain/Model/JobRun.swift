import Foundation

/// One execution of a job, from its start ping to its end (either may be missing:
/// a run still going has no end, an end that arrived with no open run has no start).
public struct JobRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case running
        case succeeded
        case failed
    }

    public var runID: String
    public var jobID: String
    public var status: Status
    public var startTime: Date?
    public var endTime: Date?
    public var exitCode: Int?
    public var message: String?
    /// The `client_info` object as the client sent it.
    public var clientInfo: JSONValue?
    public var remoteAddress: String?
    public var userAgent: String?

    public init(
        runID: String, jobID: String, status: Status, startTime: Date? = nil, endTime: Date? = nil,
        exitCode: Int? = nil,
        message: String? = nil, clientInfo: JSONValue? = nil, remoteAddress: String? = nil, userAgent: String? = nil
    ) {
        self.runID = runID
        self.jobID = jobID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.exitCode = exitCode
        self.message = message
        self.clientInfo = clientInfo
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
    }

    /// Minutes from start to end, when both are known. From whole milliseconds, as
    /// they are stored: the same run gives the same figure whichever way its times
    /// were read.
    public var duration: Double? {
        guard let startTime, let endTime else { return nil }
        return Double(Timestamp.milliseconds(endTime) - Timestamp.milliseconds(startTime)) / 60_000
    }

    /// Seconds from start to end (to the millisecond), when both are known.
    public var durationSeconds: Double? {
        guard let startTime, let endTime else { return nil }
        return Double(Timestamp.milliseconds(endTime) - Timestamp.milliseconds(startTime)) / 1000
    }
}
