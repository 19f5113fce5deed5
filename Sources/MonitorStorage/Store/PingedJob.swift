import Foundation

/// What a ping needs to know of its job, read in one statement: most pings find no
/// open alert and no failure streak, and then skip the statements that would change them.
struct PingedJob: Sendable {
    var jobID: String
    var healthCheck: Bool
    /// The job has a `max_runtime`.
    var limited: Bool
    /// An end meets its expected times (`expect: end`).
    var expectEnd: Bool
    var hasOpenAlerts: Bool
    var minRuntime: TimeInterval?
    var failureThreshold: Int
    /// Failed runs in a row before this one.
    var failureStreak: Int
    /// Paused in its definition or by an operator: it raises no alert, and its
    /// failures are not counted towards a streak.
    var paused: Bool
}

extension PingedJob {
    /// The job from a row of ``MonitorStore/pingedJobSQL(_:)``.
    init(_ row: SQLRow) throws {
        self.init(
            jobID: try row.text(0), healthCheck: try row.bool(1), limited: try row.bool(2), expectEnd: try row.bool(3),
            hasOpenAlerts: try row.bool(4), minRuntime: try row.optionalInt(5).map(TimeInterval.init),
            failureThreshold: try row.optionalInt(6) ?? 1, failureStreak: try row.optionalInt(7) ?? 0,
            paused: try row.bool(8))
    }
}
