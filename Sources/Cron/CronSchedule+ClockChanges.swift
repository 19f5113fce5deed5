import Foundation

extension CronSchedule {
    /// A daylight-saving change of the schedule's zone that moves one of its fire times.
    public struct ClockChange: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            /// The wall-clock time does not exist that day (clocks jump over it).
            case skipped
            /// The wall-clock time happens twice that day (clocks go back over it).
            case repeated
        }

        public let kind: Kind
        /// The local date, `2027-03-28`.
        public let date: String
        /// The first affected fire time on the wall clock, `02:30`.
        public let time: String
        /// Where the clocks jump from and to, `02:00` and `03:00`.
        public let clocksFrom: String
        public let clocksTo: String
    }

    /// The clock changes between `start` and `end` that skip or repeat a time at which
    /// the expression would fire, the first affected time of each.
    ///
    /// ```swift
    /// // 30 2 * * * in Europe/Berlin, 2027:
    /// // [.skipped 2027-03-28 02:30 (02:00 -> 03:00), .repeated 2027-10-31 02:30 (03:00 -> 02:00)]
    /// ```
    public func clockChanges(from start: Date, to end: Date) -> [ClockChange] {
        let rules = ZoneRules.rules(for: timeZone)
        let last = Int(end.timeIntervalSince1970)
        var index = rules.segmentIndex(containing: Int(start.timeIntervalSince1970)) + 1
        var changes: [ClockChange] = []
        while index < rules.segmentCount {
            let segment = rules.segment(index)
            guard segment.start < last else { break }
            index += 1
            let before = segment.start + segment.previousOffset
            let after = segment.start + segment.offset
            let kind: ClockChange.Kind = after > before ? .skipped : .repeated
            let affected = expression.matcher.firstMatch(
                atOrAfter: CivilCalendar.ceilDivide(min(before, after), 60),
                before: CivilCalendar.ceilDivide(max(before, after), 60))
            guard let affected else { continue }
            let (date, time) = Self.wallClock(minutes: affected)
            changes.append(
                ClockChange(
                    kind: kind, date: date, time: time,
                    clocksFrom: Self.wallClock(minutes: CivilCalendar.floorDivide(before, 60)).time,
                    clocksTo: Self.wallClock(minutes: CivilCalendar.floorDivide(after, 60)).time))
        }
        return changes
    }

    private static func wallClock(minutes: Int) -> (date: String, time: String) {
        let day = CivilCalendar.floorDivide(minutes, CivilCalendar.minutesPerDay)
        let (year, month, dayOfMonth) = CivilCalendar.date(dayNumber: day)
        let minuteOfDay = minutes - day * CivilCalendar.minutesPerDay
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return ("\(year)-\(two(month))-\(two(dayOfMonth))", "\(two(minuteOfDay / 60)):\(two(minuteOfDay % 60))")
    }
}
