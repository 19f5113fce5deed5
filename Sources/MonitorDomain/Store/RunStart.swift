import Foundation

/// What a start ping says about itself.
public struct RunStart: Sendable {
    /// The caller's own run id; one is generated when nil.
    public var runID: String?
    public var clientInfo: JSONValue?
    public var remoteAddress: String?
    public var userAgent: String?
    /// The body of a ping, kept as (part of) the run's output.
    public var output: RunOutput?

    public init(
        runID: String? = nil, clientInfo: JSONValue? = nil, remoteAddress: String? = nil, userAgent: String? = nil,
        output: RunOutput? = nil
    ) {
        self.runID = runID
        self.clientInfo = clientInfo
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
        self.output = output
    }
}
