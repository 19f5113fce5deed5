import Foundation
import Logging
import Synchronization

/// Writes a repeating problem to the log once per interval, with how many times it
/// happened in between, so a fault that lasts (a full disk, a read-only database) is
/// reported without filling the disk it may be short of.
///
/// ```swift
/// let faults = ThrottledLog(logger: logger)
/// faults.log("cannot write the database: disk full")   // logged
/// faults.log("cannot write the database: disk full")   // counted, logged in a minute
/// faults.clear("the database can be written again")     // logged once, if there was a fault
/// ```
public final class ThrottledLog: Sendable {
    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var suppressed = 0
        var active = false
    }

    private let logger: Logger
    private let interval: Duration
    private let level: Logger.Level
    private let state = Mutex(State())

    public init(logger: Logger, level: Logger.Level = .error, interval: Duration = .seconds(60)) {
        self.logger = logger
        self.level = level
        self.interval = interval
    }

    /// Logs `message`, unless a message was logged less than an interval ago.
    public func log(_ message: @autoclosure () -> String) {
        let now = ContinuousClock.now
        let suppressed = state.withLock { state -> Int? in
            state.active = true
            if let last = state.lastLogged, last.duration(to: now) < interval {
                state.suppressed += 1
                return nil
            }
            defer { state.suppressed = 0 }
            state.lastLogged = now
            return state.suppressed
        }
        guard let suppressed else { return }
        let repeated = suppressed > 0 ? " (\(suppressed) more times since the last report)" : ""
        logger.log(level: level, "\(message())\(repeated)")
    }

    /// Logs `message` once when the problem was active, and forgets it.
    public func clear(_ message: @autoclosure () -> String) {
        let wasActive = state.withLock { state -> Bool in
            defer { state = State() }
            return state.active
        }
        if wasActive { logger.notice("\(message())") }
    }

    /// Whether a problem was logged and not cleared: cheap enough for every write.
    public var isActive: Bool { state.withLock { $0.active } }
}
