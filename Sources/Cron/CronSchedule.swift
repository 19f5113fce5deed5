import Foundation

/// A cron expression in a time zone: the instants at which it fires.
///
/// ```swift
/// let schedule = CronSchedule(try CronExpression("30 2 * * *"),
///                             timeZone: TimeZone(identifier: "America/New_York")!)
/// schedule.nextFireTime(after: someInstant)
/// schedule.fireTimes(after: someInstant).prefix(5)
/// ```
///
/// Daylight-saving time follows Debian cron and cronsim:
/// - A fixed-time schedule (``CronExpression/isFixedTime``) whose time falls in a
///   skipped hour fires once, at the first real minute after the gap; slots that
///   land on the same minute fire once. In a repeated hour it fires in the first pass.
/// - A wildcard schedule skips the times that do not exist and fires in both passes
///   of a repeated hour.
/// - Results are strictly after (or before) the instant asked about, also when that
///   instant lies in a repeated hour.
///
/// Fire times are computed between 1900 and 2400; outside that the methods return nil.
public struct CronSchedule: Sendable {
    public let expression: CronExpression
    public let timeZone: TimeZone
    private let rules: ZoneRules

    public init(_ expression: CronExpression, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.expression = expression
        self.timeZone = timeZone
        self.rules = ZoneRules.rules(for: timeZone)
    }

    /// The first fire time strictly after `date`, or nil past the year 2400.
    public func nextFireTime(after date: Date) -> Date? {
        let instant = date.timeIntervalSince1970.rounded(.down)
        guard let seconds = Int(exactly: instant), let fire = nextFire(after: seconds) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(fire))
    }

    /// The last fire time strictly before `date`, or nil before the year 1900.
    public func previousFireTime(before date: Date) -> Date? {
        let instant = date.timeIntervalSince1970.rounded(.up)
        guard let seconds = Int(exactly: instant), let fire = previousFire(before: seconds) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(fire))
    }

    /// The fire times after `date`, in order (or before it, newest first, when `reverse`).
    public func fireTimes(after date: Date, reverse: Bool = false) -> FireTimes {
        FireTimes(schedule: self, start: date, reverse: reverse)
    }

    /// The UTC offset of the schedule's zone at `date`, in seconds.
    public func utcOffset(at date: Date) -> Int {
        rules.offset(at: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// A lazy sequence of fire times, each strictly after (or before) the previous one.
    public struct FireTimes: Sequence, IteratorProtocol, Sendable {
        let schedule: CronSchedule
        var start: Date
        let reverse: Bool

        public mutating func next() -> Date? {
            let fire = reverse ? schedule.previousFireTime(before: start) : schedule.nextFireTime(after: start)
            if let fire { start = fire }
            return fire
        }
    }

    // MARK: - Search over stretches of constant offset

    private var matcher: CronMatcher { expression.matcher }

    /// Wall-clock minutes (local seconds) from which a segment's own times count.
    /// A fixed-time schedule fires in the first pass only, so after a fall-back it
    /// skips the local times the previous segment already covered.
    private func firstOwnLocalSecond(of segment: ZoneRules.Segment) -> Int {
        segment.start + (expression.isFixedTime ? max(segment.offset, segment.previousOffset) : segment.offset)
    }

    /// For a fixed-time schedule with a matching time inside the gap that opens
    /// `segment`, the instant it fires at: the first real minute after the gap.
    private func gapFire(of segment: ZoneRules.Segment) -> Int? {
        guard expression.isFixedTime, segment.offset > segment.previousOffset else { return nil }
        let gapStart = CivilCalendar.ceilDivide(segment.start + segment.previousOffset, 60)
        let gapEnd = CivilCalendar.ceilDivide(segment.start + segment.offset, 60)
        guard matcher.firstMatch(atOrAfter: gapStart, before: gapEnd) != nil else { return nil }
        let fire = gapEnd * 60 - segment.offset
        return fire < segment.end ? fire : nil
    }

    func nextFire(after instant: Int) -> Int? {
        guard ZoneRules.supportedRange.contains(instant) else { return nil }
        var index = rules.segmentIndex(containing: instant)
        var lowerLocal = CivilCalendar.floorDivide(instant + rules.segment(index).offset, 60) * 60 + 60
        while index < rules.segmentCount {
            let segment = rules.segment(index)
            if let fire = gapFire(of: segment), fire > instant { return fire }
            let from = max(firstOwnLocalSecond(of: segment), lowerLocal)
            if let minute = matcher.firstMatch(
                atOrAfter: CivilCalendar.ceilDivide(from, 60),
                before: CivilCalendar.ceilDivide(segment.end + segment.offset, 60))
            {
                return minute * 60 - segment.offset
            }
            index += 1
            lowerLocal = .min
        }
        return nil
    }

    func previousFire(before instant: Int) -> Int? {
        guard ZoneRules.supportedRange.contains(instant - 1) else { return nil }
        var index = rules.segmentIndex(containing: instant - 1)
        var upperInstant = instant
        while index >= 0 {
            let segment = rules.segment(index)
            let end = min(segment.end, upperInstant)
            if let minute = matcher.lastMatch(
                atOrBefore: CivilCalendar.ceilDivide(end + segment.offset, 60) - 1,
                notBefore: CivilCalendar.ceilDivide(firstOwnLocalSecond(of: segment), 60))
            {
                return minute * 60 - segment.offset
            }
            if let fire = gapFire(of: segment), fire < instant { return fire }
            index -= 1
            upperInstant = .max
        }
        return nil
    }
}
