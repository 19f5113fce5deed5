import Config

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
