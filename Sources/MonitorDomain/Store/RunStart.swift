import Foundation

/// What a start ping says about itself.
public struct RunStart: Sendable {
    /// The caller's own run id; one is generated when nil.
    public var runID: String?
    public var clientInfo: JSONValue?
    public var remoteAddress: String?
    public var userAgent: String?

    public init(
        runID: String? = nil, clientInfo: JSONValue? = nil, remoteAddress: String? = nil, userAgent: String? = nil
    ) {
        self.runID = runID
        self.clientInfo = clientInfo
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
    }
}
