import Foundation

/// How long `cronicle serve` keeps finished runs and resolved alerts (`--keep-runs`,
/// `--keep-alerts`), and how its clean-up paces itself. By default everything is kept.
///
/// ```swift
/// var policy = RetentionPolicy()
/// policy.keepRuns = 90 * 86_400       // seconds
/// policy.isActive                      // true
/// ```
public struct RetentionPolicy: Sendable, Hashable {
    /// Runs whose ping (start, or end for a run without one) is older than this go,
    /// except those ``MonitorStore/removeExpiredRuns(olderThan:batching:)`` always keeps.
    /// Nil keeps every run.
    public var keepRuns: TimeInterval?
    /// Alerts resolved longer ago than this go, with their sent notifications. Nil keeps every alert.
    public var keepAlerts: TimeInterval?
    /// How the clean-up shares the database's single writer with pings.
    public var batching = Batching()
    /// Time between clean-ups; the first runs at start-up.
    public var interval: Duration = .seconds(86_400)

    /// The shortest retention accepted: the job page's statistics read a month of runs,
    /// and a clean-up that could remove yesterday's runs is more likely a typo than a wish.
    public static let shortest: TimeInterval = 86_400

    public init() {}

    /// Whether anything is ever removed.
    public var isActive: Bool { keepRuns != nil || keepAlerts != nil }

    /// Rows removed per transaction and the pause after each transaction.
    ///
    /// SQLite has one writer: while a batch deletes, pings wait. A thousand runs take a
    /// few milliseconds to delete (docs/performance.md, "Retention"), and the pause lets
    /// the pings that queued meanwhile commit before the next batch.
    public struct Batching: Sendable, Hashable {
        public var size: Int
        public var pause: Duration

        public init(size: Int = 1000, pause: Duration = .milliseconds(20)) {
            self.size = size
            self.pause = pause
        }
    }
}
