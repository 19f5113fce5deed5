/// Who made a change and how (DESIGN.md §13), for the audit log: a key's name, the sync
/// source and commit, or the address of an anonymous caller on an open monitor.
public struct ChangeAuthor: Sendable, Hashable {
    /// How the change reached the monitor.
    public enum Via: String, Sendable, Hashable, CaseIterable {
        /// The REST API (curl, scripts, the client libraries).
        case api
        /// The dashboard, signed in.
        case ui
        /// `cronicle-sync` (an apply, from a folder or a commit).
        case sync
        /// The `cronicle` operator commands.
        case cli
    }

    public var name: String
    public var via: Via

    public init(_ name: String, via: Via) {
        self.name = name
        self.via = via
    }
}
