import Foundation

/// One ping as it goes over the wire, and as it is kept in the spool when it could not be
/// delivered: method, URL, headers, body (base64 in the file) and when it was made.
public struct PingRequest: Sendable, Equatable, Codable {
    public var method: String
    public var url: String
    /// Header names as sent; one value each.
    public var headers: [String: String]
    public var body: Data
    public var createdAt: Date

    public init(method: String = "POST", url: String, headers: [String: String], body: Data, createdAt: Date) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case method, url, headers
        case body = "body_base64"
        case createdAt = "created_at"
    }

    /// The `Cronicle-Client-Info` header's name.
    public static let clientInfoHeader = "Cronicle-Client-Info"
}
