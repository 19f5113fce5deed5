import Config
import Cron
import Foundation

/// How a job did over the last days (DESIGN 13): `GET /jobs/{id}/stats` and its page.
public struct JobStats: Sendable, Hashable {
    /// The windows stats are given for, in days.
    public static let windows = [7, 30]

    public var days: Int
    /// Runs that ended in the window.
    public var runs: Int
    public var succeeded: Int
    public var failed: Int
    /// Fire times (or intervals) the job was expected to meet in the window, since it was watched.
    public var expected: Int
    /// Of those, the ones its missed_job alerts counted.
    public var missed: Int
    /// Durations of the runs with a start and an end, in seconds.
    public var durationP50: Double?
    public var durationP95: Double?

    public init(
        days: Int, runs: Int, succeeded: Int, failed: Int, expected: Int, missed: Int, durationP50: Double?,
        durationP95: Double?
    ) {
        self.days = days
        self.runs = runs
        self.succeeded = succeeded
        self.failed = failed
        self.expected = expected
        self.missed = missed
        self.durationP50 = durationP50
        self.durationP95 = durationP95
    }

    /// Succeeded runs of those that ended; nil without any.
    public var successRate: Double? { runs > 0 ? Double(succeeded) / Double(runs) : nil }

    /// Fire times met of those expected; nil when none was expected.
    public var onTimeRate: Double? {
        expected > 0 ? Double(max(0, expected - missed)) / Double(expected) : nil
    }

    /// The value at quantile `q` (0...1) of values given with how often each occurs,
    /// sorted by value: the nearest rank, the `⌈q·n⌉`-th of the n values in order.
    public static func quantile(_ q: Double, of counted: [(seconds: Double, count: Int)]) -> Double? {
        let total = counted.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        let rank = min(max(Int((q * Double(total)).rounded(.up)) - 1, 0), total - 1)
        var seen = 0
        for (value, count) in counted {
            seen += count
            if rank < seen { return value }
        }
        return counted.last?.seconds
    }

    /// How many fire times (or intervals) of `definition` fall in `from..<to`, counted up to
    /// `limit` (a minutely job has 43,200 in 30 days).
    public static func expectedCount(_ definition: JobDefinition, from: Date, to: Date, limit: Int = 100_000) -> Int {
        guard from < to else { return 0 }
        if let every = definition.every {
            return every.seconds > 0 ? Int(to.timeIntervalSince(from) / Double(every.seconds)) : 0
        }
        guard let schedule = definition.cronSchedule else { return 0 }
        var count = 0
        for time in schedule.fireTimes(after: from) {
            if time >= to || count >= limit { break }
            count += 1
        }
        return count
    }
}
