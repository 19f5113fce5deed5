/// Why an e-mail was not accepted, in words, and whether trying again later may help.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Kind { case connection, timeout, refused, protocolViolation, tls }
        private let kind: Kind

        /// The server could not be reached, or closed the connection.
        public static let connection = Code(kind: .connection)
        /// The server took too long.
        public static let timeout = Code(kind: .timeout)
        /// The server answered a command with an error reply (its code is kept).
        public static let refused = Code(kind: .refused)
        /// The server did not speak SMTP as expected.
        public static let protocolViolation = Code(kind: .protocolViolation)
        /// TLS could not be set up: STARTTLS not offered, or the certificate not trusted.
        public static let tls = Code(kind: .tls)
    }

    public let code: Code
    public let message: String
    /// The SMTP reply code when the server refused.
    public let replyCode: Int?

    public init(_ code: Code, _ message: String, replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
    }

    /// A 5xx reply is refused for good; everything else may pass later.
    public var isPermanent: Bool { (replyCode ?? 0) >= 500 }

    public var description: String { message }
}
