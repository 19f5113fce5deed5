import Foundation

/// One answer of the monitor as a test received it.
public struct MonitorResponse: Sendable {
    public let status: Int
    /// Header names in lower case.
    public let headers: [String: String]
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as a JSON object (fails the caller's `try` if it is not one).
    public func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw LiveMonitor.LiveMonitorError("the body is not a JSON object: \(text)")
        }
        return object
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// `error.code` of the JSON error envelope.
    public var errorCode: String? {
        ((try? object())?["error"] as? [String: Any])?["code"] as? String
    }

    public var errorMessage: String? {
        ((try? object())?["error"] as? [String: Any])?["message"] as? String
    }
}
