/// The kinds of named document a sync applies beside jobs: notification channels and
/// maintenance windows. `key` names the document in JSON plans and `word` in text.
public protocol DocumentKind: Sendable {
    static var key: String { get }
    static var word: String { get }
}

/// Notification channels (DESIGN 9).
public enum ChannelDocument: DocumentKind {
    public static let key = "channel"
    public static let word = "channel"
}

/// Maintenance windows (DESIGN 11.3).
public enum WindowDocument: DocumentKind {
    public static let key = "window"
    public static let word = "window"
}
