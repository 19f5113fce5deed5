/// What a key may do (DESIGN.md §13).
///
/// - `read`: every `GET`, the dashboard, `/events`, `/metrics`, and `/sync/plan`.
/// - `ping`: the runs of the jobs the key covers (its `jobs` globs and `tags`).
/// - `write`: jobs, pauses, snoozes, acknowledgements; reads and pings of every job too.
/// - `sync`: `/sync/plan` and `/sync/apply`; reads too.
/// - `admin`: everything, keys included.
public enum AccessScope: String, Sendable, Hashable, CaseIterable, Codable {
    case read
    case ping
    case write
    case sync
    case admin

    /// Whether a key of this scope may do what a key of `needed` may.
    public func grants(_ needed: AccessScope) -> Bool {
        switch (self, needed) {
        case (.admin, _): true
        case (.write, .read), (.write, .ping), (.sync, .read): true
        default: self == needed
        }
    }

    /// The scope `text` names, or an error that lists the scopes there are.
    public static func parse(_ text: String) throws(MonitorError) -> AccessScope {
        guard let scope = AccessScope(rawValue: text.lowercased()) else {
            throw MonitorError(
                .invalidRequest,
                "'\(text)' is not a scope; write one of read, ping, write, sync or admin "
                    + "(read for dashboards and pull-request plans, ping for jobs, sync for applies)")
        }
        return scope
    }
}
