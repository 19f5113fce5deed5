import Config
import Foundation

/// A job whose awaited fire times have reached their deadlines, for the store to check
/// against the pings it recorded.
///
/// An interval job (`every`) has no fire times of its own: its expected times follow its
/// last ping, which only the store knows, so it comes with ``interval`` set and
/// ``fireTimes`` empty, and the store works them out and says when to ask again.
public struct DueFireTimes: Sendable {
    /// What an interval job's check needs.
    public struct Interval: Sendable, Equatable {
        /// `every`, in seconds.
        public var every: TimeInterval
        /// The job's creation or last resume: the first expected time counts from here
        /// when no ping came since.
        public var watchedSince: Date

        public init(every: TimeInterval, watchedSince: Date) {
            self.every = every
            self.watchedSince = watchedSince
        }
    }

    public var jobID: String
    /// Ascending; each one's deadline (fire time + tolerance) has passed.
    public var fireTimes: [Date]
    public var tolerance: TimeInterval
    /// How early a start may come and still count (DESIGN.md §4).
    public var earlyAllowance: TimeInterval
    /// Which ping meets an expected time: the start, or with `expect: end` the end.
    public var expect: JobDefinition.Expect
    /// `watch_from: first_run`: expected times before the job's first ping are not missed.
    public var fromFirstPing: Bool
    /// Set for an interval job.
    public var interval: Interval?
    /// The job's tags, as the engine knows them: which `skip` windows cover it (DESIGN
    /// 11.3) without reading its row at every deadline.
    public var tags: [String]

    public init(
        jobID: String, fireTimes: [Date], tolerance: TimeInterval, earlyAllowance: TimeInterval,
        expect: JobDefinition.Expect = .start, fromFirstPing: Bool = false, interval: Interval? = nil,
        tags: [String]
    ) {
        self.jobID = jobID
        self.fireTimes = fireTimes
        self.tolerance = tolerance
        self.earlyAllowance = earlyAllowance
        self.expect = expect
        self.fromFirstPing = fromFirstPing
        self.interval = interval
        self.tags = tags
    }
}
