/// One SMTP reply (RFC 5321 4.2): a three-digit code and its text lines.
public struct SMTPReply: Sendable, Hashable {
    public var code: Int
    public var lines: [String]

    /// 2xx: done; 3xx: go on (354 after DATA, 334 during AUTH).
    var isPositive: Bool { code < 400 }
    /// 5xx: refused for good; 4xx may pass if tried again later.
    var isPermanentFailure: Bool { code >= 500 }

    /// The lines as one text, for errors and logs.
    var text: String { lines.joined(separator: " ") }
}
