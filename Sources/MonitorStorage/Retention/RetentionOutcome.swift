import Foundation

/// What one clean-up removed, for its log line and for tests.
public struct RetentionOutcome: Sendable, Hashable {
    public var runs = 0
    /// Stored outputs of the removed runs.
    public var outputs = 0
    public var alerts = 0
    /// Sent or failed notifications of the removed alerts.
    public var deliveries = 0
    /// Transactions the clean-up took.
    public var batches = 0
    /// Runs older than this were looked at: the cut-off asked for, or earlier when the alert
    /// engine has not yet checked the deadlines those runs could still meet. Nil when no
    /// run was looked at.
    public var runsCutoff: Date?

    public init() {}

    public static func += (lhs: inout RetentionOutcome, rhs: RetentionOutcome) {
        lhs.runs += rhs.runs
        lhs.outputs += rhs.outputs
        lhs.alerts += rhs.alerts
        lhs.deliveries += rhs.deliveries
        lhs.batches += rhs.batches
        lhs.runsCutoff = lhs.runsCutoff ?? rhs.runsCutoff
    }
}
