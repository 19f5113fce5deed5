import Foundation

/// What an end (or fail) ping says.
public struct RunEnd: Sendable {
    /// The run to close; the job's oldest open run when nil.
    public var runID: String?
    public var exitCode: Int?
    public var message: String?
    /// The client's `client_info`, kept when the run has none yet (an end without a start).
    public var clientInfo: JSONValue?
    /// `/fail`: the run failed whatever its exit code.
    public var failed: Bool
    public var remoteAddress: String?
    public var userAgent: String?
    /// The body of a ping, kept as (part of) the run's output.
    public var output: RunOutput?

    public init(
        runID: String? = nil, exitCode: Int? = nil, message: String? = nil, clientInfo: JSONValue? = nil,
        failed: Bool = false,
        remoteAddress: String? = nil, userAgent: String? = nil, output: RunOutput? = nil
    ) {
        self.runID = runID
        self.exitCode = exitCode
        self.message = message
        self.clientInfo = clientInfo
        self.failed = failed
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
        self.output = output
    }
}
