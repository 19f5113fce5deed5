import Config

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
