import Foundation

/// How the command ended, as `cronicle exec` reports it and exits with it.
struct ChildOutcome: Sendable {
    /// The command's exit status; 128+N when signal N killed it, 127 when it was not found,
    /// 126 when it could not be run, 124 when `--timeout` stopped it.
    var exitStatus: Int32
    /// The signal that ended the command, when one did.
    var signal: Int32?
    /// True when `--timeout` stopped the command.
    var timedOut = false
    var startedAt: Date
    var endedAt: Date
    /// Measured on the monotonic clock, not from the two dates.
    var duration: Duration
    /// Why the command never ran, as printed to stderr (`nosuchcmd: command not found`).
    var launchFailure: String?

    /// A short description for the job routes' `message`.
    var summary: String {
        if let launchFailure { return launchFailure }
        if timedOut { return "timed out after \(Self.format(duration))" }
        if let signal { return "killed by signal \(signal)" }
        return "exit status \(exitStatus)"
    }

    private static func format(_ duration: Duration) -> String {
        String(format: "%.1fs", duration.secondsValue)
    }
}
