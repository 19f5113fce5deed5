extension CronExpression {
    /// The shortest wall-clock time between two consecutive fire times, in minutes,
    /// or nil when the expression fires at most once in eight years.
    ///
    /// Wall-clock means daylight-saving shifts are not counted: `0 9 * * *` gives
    /// 1440 even though a spring-forward day makes one gap 23 hours. The linter uses
    /// it to warn about runs that would overlap and tolerances that blur misses.
    public var shortestInterval: Int? {
        let matcher = self.matcher
        var timesOfDay: [Int] = []
        for hour in 0..<24 where matcher.hours & (1 << UInt64(hour)) != 0 {
            for minute in 0..<60 where matcher.minutes & (1 << UInt64(minute)) != 0 {
                timesOfDay.append(hour * 60 + minute)
            }
        }
        var shortest = Int.max
        for (earlier, later) in zip(timesOfDay, timesOfDay.dropFirst()) { shortest = min(shortest, later - earlier) }

        var previousDay: Int?
        var shortestDayGap = Int.max
        scan: for year in 2020..<2028 {
            for month in 1...12 where matcher.months & (1 << UInt64(month)) != 0 {
                // Two days in a row is as close as days get.
                if shortestDayGap == 1 { break scan }
                var days = matcher.matchingDays(year: year, month: month)
                let firstOfMonth = CivilCalendar.dayNumber(year: year, month: month, day: 1)
                while days != 0 {
                    let day = firstOfMonth + days.trailingZeroBitCount - 1
                    days &= days - 1
                    if let previousDay { shortestDayGap = min(shortestDayGap, day - previousDay) }
                    previousDay = day
                }
            }
        }
        if shortestDayGap != .max, let first = timesOfDay.first, let last = timesOfDay.last {
            shortest = min(shortest, shortestDayGap * CivilCalendar.minutesPerDay - (last - first))
        }
        return shortest == .max ? nil : shortest
    }
}
