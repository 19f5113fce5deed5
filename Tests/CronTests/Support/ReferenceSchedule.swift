import Foundation

/// A deliberately simple, independent model of a cron schedule, to check the engine
/// against: it knows the fields as sets (built by the generator, not by the
/// engine's parser), walks the calendar one local day at a time with Foundation's
/// `Calendar`, visits every matching wall-clock minute of a matching day, and maps
/// each to instants straight from the definitions of DESIGN.md §3.1 using only
/// `TimeZone.secondsFromGMT(for:)`. Slow, obvious, and sharing no code with `Cron`.
struct ReferenceSchedule {
    var minutes: Set<Int>
    var hours: Set<Int>
    var daysOfMonth: Set<Int>
    var lastDayOfMonth = false
    var lastWeekdayOfMonth = false
    var months: Set<Int>
    /// 0-6, Sunday first.
    var weekdays: Set<Int>
    var lastWeekdays: Set<Int> = []
    /// Weekday and occurrence (1-5).
    var nthWeekdays: Set<[Int]> = []
    var daysMustMatchBoth: Bool
    var isFixedTime: Bool
    var timeZone: TimeZone

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Whether local calendar day `dayNumber` (days since 1970-01-01) matches.
    func dayMatches(_ dayNumber: Int) -> Bool {
        let date = Date(timeIntervalSince1970: TimeInterval(dayNumber * 86_400 + 43_200))
        let parts = Self.utcCalendar.dateComponents([.year, .month, .day, .weekday], from: date)
        let (month, day, weekday) = (parts.month!, parts.day!, parts.weekday! - 1)
        guard months.contains(month) else { return false }
        let lastDay = Self.utcCalendar.range(of: .day, in: .month, for: date)!.count

        var lastWeekdayDay = lastDay
        var lastDayWeekday = (weekday + lastDay - day) % 7
        while lastDayWeekday == 0 || lastDayWeekday == 6 {
            lastWeekdayDay -= 1
            lastDayWeekday = (lastDayWeekday + 6) % 7
        }
        let byMonthDay =
            daysOfMonth.contains(day) || (lastDayOfMonth && day == lastDay)
            || (lastWeekdayOfMonth && day == lastWeekdayDay)
        let byWeekday =
            weekdays.contains(weekday) || (lastWeekdays.contains(weekday) && day + 7 > lastDay)
            || nthWeekdays.contains([weekday, (day - 1) / 7 + 1])
        return daysMustMatchBoth ? byMonthDay && byWeekday : byMonthDay || byWeekday
    }

    private func offset(_ instant: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// Every instant whose local wall time is `wall` (local seconds since 1970).
    private func instantsShowing(_ wall: Int) -> [Int] {
        let candidates = Set([offset(wall - 86_400), offset(wall + 86_400)])
        return candidates.compactMap { offset(wall - $0) == $0 ? wall - $0 : nil }.sorted()
    }

    /// The instants a matching wall time fires at, by the rules of DESIGN.md §3.1.
    func fireInstants(forWall wall: Int) -> [Int] {
        let instants = instantsShowing(wall)
        guard isFixedTime else { return instants }
        if let first = instants.first { return [first] }
        var later = wall + 60
        while instantsShowing(later).isEmpty { later += 60 }
        return [instantsShowing(later)[0]]
    }

    private func fires(onDay dayNumber: Int) -> [Int] {
        guard dayMatches(dayNumber) else { return [] }
        var result: [Int] = []
        for hour in hours {
            for minute in minutes {
                result += fireInstants(forWall: dayNumber * 86_400 + hour * 3600 + minute * 60)
            }
        }
        return result
    }

    private func localDay(_ instant: Int) -> Int {
        Int((Double(instant + offset(instant)) / 86_400).rounded(.down))
    }

    func next(after instant: Int, searchDays: Int = 366 * 30) -> Int? {
        var best: Int?
        var day = localDay(instant) - 2
        for _ in 0..<searchDays {
            if let best, day > localDay(best) + 2 { break }
            for fire in fires(onDay: day) where fire > instant && fire < (best ?? .max) { best = fire }
            day += 1
        }
        return best
    }

    func previous(before instant: Int, searchDays: Int = 366 * 30) -> Int? {
        var best: Int?
        var day = localDay(instant) + 2
        for _ in 0..<searchDays {
            if let best, day < localDay(best) - 2 { break }
            for fire in fires(onDay: day) where fire < instant && fire > (best ?? .min) { best = fire }
            day -= 1
        }
        return best
    }
}
