import Config

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

/// One named document's part in a plan: created (with every field), updated (the fields
/// that change), deleted, or in conflict (with why).
public struct DocumentChange<Kind: DocumentKind>: Sendable, Hashable, Codable {
    public var name: String
    /// Where it is defined now; for a delete, where it was.
    public var file: String?
    public var line: Int?
    public var changes: [SyncPlan.Change]
    public var message: String?

    public init(name: String, file: String?, line: Int?, changes: [SyncPlan.Change] = [], message: String? = nil) {
        self.name = name
        self.file = file
        self.line = line
        self.changes = changes
        self.message = message
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        name = try container.decode(String.self, forKey: Key(Kind.key))
        file = try container.decodeIfPresent(String.self, forKey: Key("file"))
        line = try container.decodeIfPresent(Int.self, forKey: Key("line"))
        changes = try container.decode([SyncPlan.Change].self, forKey: Key("changes"))
        message = try container.decodeIfPresent(String.self, forKey: Key("message"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(name, forKey: Key(Kind.key))
        try container.encodeIfPresent(file, forKey: Key("file"))
        try container.encodeIfPresent(line, forKey: Key("line"))
        try container.encode(changes, forKey: Key("changes"))
        try container.encodeIfPresent(message, forKey: Key("message"))
    }
}

extension DocumentChange where Kind == ChannelDocument {
    public init(channel: String, file: String?, line: Int?, changes: [SyncPlan.Change] = [], message: String? = nil) {
        self.init(name: channel, file: file, line: line, changes: changes, message: message)
    }

    /// The channel's name.
    public var channel: String { name }
}

/// What an apply does to the documents of one kind, beside the jobs.
public struct DocumentPlan<Kind: DocumentKind>: Sendable, Hashable, Codable {
    public var creates: [DocumentChange<Kind>] = []
    public var updates: [DocumentChange<Kind>] = []
    public var deletes: [DocumentChange<Kind>] = []
    public var unchanged = 0
    public var conflicts: [DocumentChange<Kind>] = []
    /// Documents recorded before sources had identities that this source takes as its
    /// own, changing nothing else (not sent over HTTP: the server claims them itself).
    public var claimed: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case creates, updates, deletes, unchanged, conflicts
    }

    public var hasChanges: Bool { !creates.isEmpty || !updates.isEmpty || !deletes.isEmpty }

    /// The plan's counts as a summary line says them.
    public var counts: DocumentCounts {
        DocumentCounts(
            shown: hasChanges || unchanged > 0,
            planned: "\(creates.count) to create, \(updates.count) to update, \(deletes.count) to delete, "
                + "\(unchanged) unchanged",
            applied:
                "\(creates.count) created, \(updates.count) updated, \(deletes.count) deleted, \(unchanged) unchanged",
            unchanged: unchanged)
    }
}

/// A document plan's counts, as a plan's summary line says them.
public struct DocumentCounts: Sendable {
    /// Whether the source has any such document.
    public var shown: Bool
    public var planned: String
    public var applied: String
    public var unchanged: Int
}
