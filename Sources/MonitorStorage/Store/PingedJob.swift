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
