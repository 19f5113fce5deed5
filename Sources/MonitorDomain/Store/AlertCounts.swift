import Foundation

/// How many alerts are in each state.
public struct AlertCounts: Sendable, Hashable {
    /// Neither acknowledged nor resolved.
    public var open = 0
    /// Acknowledged and not resolved yet.
    public var acknowledged = 0
    public var resolved = 0
    public var total: Int { open + acknowledged + resolved }

    public init(open: Int = 0, acknowledged: Int = 0, resolved: Int = 0) {
        self.open = open
        self.acknowledged = acknowledged
        self.resolved = resolved
    }
}
