/// The fields of an expression as bit sets, and the search for matching wall-clock
/// minutes. It knows nothing of time zones: it walks a naive local timeline counted
/// in minutes since 1970-01-01 00:00, and ``CronSchedule`` maps that onto instants.
///
/// The search jumps field by field (month, then day, hour, minute), so its cost does
/// not depend on how far away the next match is, only on how many months, days or
/// hours it has to skip.
struct CronMatcher: Sendable, Hashable {
    /// Bits 0-59.
    private(set) var minutes: UInt64 = 0
    /// Bits 0-23.
    private(set) var hours: UInt64 = 0
    /// Bits 1-31.
    private(set) var daysOfMonth: UInt64 = 0
    private(set) var lastDayOfMonth = false
    private(set) var lastWeekdayOfMonth = false
    /// Bits 1-12.
    private(set) var months: UInt64 = 0
    /// Bits 0-6, Sunday first.
    private(set) var daysOfWeek: UInt64 = 0
    /// `5L`: bit 5 set for the last Friday of the month.
    private(set) var lastWeekdays: UInt64 = 0
    /// `1#2`: bit `weekday * 8 + occurrence` set.
    private(set) var nthWeekdays: UInt64 = 0
    let daysMustMatchBoth: Bool
    /// Whether every day matches whatever its weekday: day-of-week adds nothing.
    private let everyWeekday: Bool

    /// A month's days with weekday `w` when its first day has weekday 0, shifted
    /// left by how far `w` lies after the first's weekday.
    private static let weekdayPattern: [UInt64] = (0..<7).map { offset in
        stride(from: offset + 1, through: 37, by: 7).reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
    }

    init(fields: [[CronFieldItem]], daysMustMatchBoth: Bool) {
        self.daysMustMatchBoth = daysMustMatchBoth
        minutes = Self.bits(fields[CronField.minute.rawValue], field: .minute)
        hours = Self.bits(fields[CronField.hour.rawValue], field: .hour)
        months = Self.bits(fields[CronField.month.rawValue], field: .month)
        daysOfMonth = Self.bits(fields[CronField.dayOfMonth.rawValue], field: .dayOfMonth)
        for item in fields[CronField.dayOfMonth.rawValue] {
            if item == .lastDayOfMonth { lastDayOfMonth = true }
            if item == .lastWeekdayOfMonth { lastWeekdayOfMonth = true }
        }
        var weekdays = Self.bits(fields[CronField.dayOfWeek.rawValue], field: .dayOfWeek)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & 0x7F }
        daysOfWeek = weekdays
        for item in fields[CronField.dayOfWeek.rawValue] {
            switch item {
            case .lastWeekday(let weekday): lastWeekdays |= 1 << UInt64(weekday % 7)
            case .nthWeekday(let weekday, let occurrence): nthWeekdays |= 1 << UInt64((weekday % 7) * 8 + occurrence)
            default: break
            }
        }
        everyWeekday = daysOfWeek == 0x7F
    }

    private static func bits(_ items: [CronFieldItem], field: CronField) -> UInt64 {
        var result: UInt64 = 0
        let last = field.range.upperBound
        for item in items {
            let (start, end, step): (Int, Int, Int)
            switch item {
            case .any(let stepValue): (start, end, step) = (field.range.lowerBound, last, stepValue ?? 1)
            case .value(let value, let stepValue):
                (start, end, step) = (value, stepValue == nil ? value : last, stepValue ?? 1)
            case .range(let low, let high, let stepValue): (start, end, step) = (low, high, stepValue ?? 1)
            default: continue
            }
            for value in stride(from: start, through: end, by: step) { result |= 1 << UInt64(value) }
        }
        return result
    }

    // MARK: - Days

    /// The days of a month that match, as bits 1-31.
    @inline(__always)
    func matchingDays(year: Int, month: Int) -> UInt64 {
        let dayCount = CivilCalendar.daysInMonth(year: year, month: month)
        let valid: UInt64 = (1 << UInt64(dayCount + 1)) - 2
        let firstWeekday = CivilCalendar.weekday(dayNumber: CivilCalendar.dayNumber(year: year, month: month, day: 1))
        let lastWeekday = (firstWeekday + dayCount - 1) % 7

        var byMonthDay = daysOfMonth & valid
        if lastDayOfMonth { byMonthDay |= 1 << UInt64(dayCount) }
        if lastWeekdayOfMonth {
            let day = lastWeekday == 0 ? dayCount - 2 : (lastWeekday == 6 ? dayCount - 1 : dayCount)
            byMonthDay |= 1 << UInt64(day)
        }

        var byWeekday: UInt64
        if everyWeekday {
            byWeekday = valid
        } else {
            byWeekday = 0
            var weekdays = daysOfWeek
            while weekdays != 0 {
                let weekday = weekdays.trailingZeroBitCount
                weekdays &= weekdays - 1
                byWeekday |= Self.weekdayPattern[(weekday - firstWeekday + 7) % 7]
            }
            var lasts = lastWeekdays
            while lasts != 0 {
                let weekday = lasts.trailingZeroBitCount
                lasts &= lasts - 1
                byWeekday |= 1 << UInt64(dayCount - (lastWeekday - weekday + 7) % 7)
            }
            var nths = nthWeekdays
            while nths != 0 {
                let bit = nths.trailingZeroBitCount
                nths &= nths - 1
                let day = 1 + (bit / 8 - firstWeekday + 7) % 7 + 7 * (bit % 8 - 1)
                if day <= dayCount { byWeekday |= 1 << UInt64(day) }
            }
            byWeekday &= valid
        }
        return daysMustMatchBoth ? byMonthDay & byWeekday : byMonthDay | byWeekday
    }

    /// Whether any day at all matches: every calendar repeats within 400 years.
    var hasMatchingDay: Bool {
        for year in 2000..<2400 {
            for month in 1...12 where months & (1 << UInt64(month)) != 0 {
                if matchingDays(year: year, month: month) != 0 { return true }
            }
        }
        return false
    }

    // MARK: - Search

    /// The first matching local minute at or after `start`, if there is one before `limit`.
    func firstMatch(atOrAfter start: Int, before limit: Int) -> Int? {
        guard start < limit else { return nil }
        let startDay = CivilCalendar.floorDivide(start, CivilCalendar.minutesPerDay)
        var (year, month, day) = CivilCalendar.date(dayNumber: startDay)
        var hour = (start - startDay * CivilCalendar.minutesPerDay) / 60
        var minute = start - startDay * CivilCalendar.minutesPerDay - hour * 60

        while true {
            if months & (1 << UInt64(month)) == 0 {
                let later = months & ~((2 << UInt64(month)) - 1)
                if later != 0 {
                    month = later.trailingZeroBitCount
                } else {
                    year += 1
                    month = months.trailingZeroBitCount
                }
                (day, hour, minute) = (1, 0, 0)
                if CivilCalendar.dayNumber(year: year, month: month, day: 1) * CivilCalendar.minutesPerDay >= limit {
                    return nil
                }
            }
            let days = matchingDays(year: year, month: month) & ~((1 << UInt64(day)) - 1)
            if days == 0 {
                month += 1
                if month == 13 { (year, month) = (year + 1, 1) }
                (day, hour, minute) = (1, 0, 0)
                if CivilCalendar.dayNumber(year: year, month: month, day: 1) * CivilCalendar.minutesPerDay >= limit {
                    return nil
                }
                continue
            }
            let matchingDay = days.trailingZeroBitCount
            if matchingDay != day { (day, hour, minute) = (matchingDay, 0, 0) }
            let laterHours = hours & ~((1 << UInt64(hour)) - 1)
            if laterHours == 0 {
                (day, hour, minute) = (day + 1, 0, 0)
                continue
            }
            let matchingHour = laterHours.trailingZeroBitCount
            if matchingHour != hour { (hour, minute) = (matchingHour, 0) }
            let laterMinutes = minutes & ~((1 << UInt64(minute)) - 1)
            if laterMinutes == 0 {
                (hour, minute) = (hour + 1, 0)
                if hour == 24 { (day, hour) = (day + 1, 0) }
                continue
            }
            minute = laterMinutes.trailingZeroBitCount
            let result =
                CivilCalendar.dayNumber(year: year, month: month, day: day) * CivilCalendar.minutesPerDay
                + hour * 60 + minute
            return result < limit ? result : nil
        }
    }

    /// The last matching local minute at or before `start`, if there is one at or after `limit`.
    func lastMatch(atOrBefore start: Int, notBefore limit: Int) -> Int? {
        guard start >= limit else { return nil }
        let startDay = CivilCalendar.floorDivide(start, CivilCalendar.minutesPerDay)
        var (year, month, day) = CivilCalendar.date(dayNumber: startDay)
        var hour = (start - startDay * CivilCalendar.minutesPerDay) / 60
        var minute = start - startDay * CivilCalendar.minutesPerDay - hour * 60

        func endOfMonth() {
            day = CivilCalendar.daysInMonth(year: year, month: month)
            (hour, minute) = (23, 59)
        }
        func monthEndsBeforeLimit() -> Bool {
            let nextMonthStart =
                (CivilCalendar.dayNumber(year: year, month: month, day: 1)
                    + CivilCalendar.daysInMonth(year: year, month: month)) * CivilCalendar.minutesPerDay
            return nextMonthStart <= limit
        }

        while true {
            if months & (1 << UInt64(month)) == 0 {
                let earlier = months & ((1 << UInt64(month)) - 1)
                if earlier != 0 {
                    month = 63 - earlier.leadingZeroBitCount
                } else {
                    year -= 1
                    month = 63 - months.leadingZeroBitCount
                }
                endOfMonth()
                if monthEndsBeforeLimit() { return nil }
            }
            let days = matchingDays(year: year, month: month) & ((2 << UInt64(day)) - 1)
            if days == 0 {
                month -= 1
                if month == 0 { (year, month) = (year - 1, 12) }
                endOfMonth()
                if monthEndsBeforeLimit() { return nil }
                continue
            }
            let matchingDay = 63 - days.leadingZeroBitCount
            if matchingDay != day { (day, hour, minute) = (matchingDay, 23, 59) }
            let earlierHours = hours & ((2 << UInt64(hour)) - 1)
            if earlierHours == 0 {
                (day, hour, minute) = (day - 1, 23, 59)
                if day == 0 {
                    month -= 1
                    if month == 0 { (year, month) = (year - 1, 12) }
                    endOfMonth()
                    if monthEndsBeforeLimit() { return nil }
                }
                continue
            }
            let matchingHour = 63 - earlierHours.leadingZeroBitCount
            if matchingHour != hour { (hour, minute) = (matchingHour, 59) }
            let earlierMinutes = minutes & ((2 << UInt64(minute)) - 1)
            if earlierMinutes == 0 {
                (hour, minute) = (hour - 1, 59)
                if hour < 0 { (day, hour) = (day - 1, 23) }
                if day == 0 {
                    month -= 1
                    if month == 0 { (year, month) = (year - 1, 12) }
                    endOfMonth()
                    if monthEndsBeforeLimit() { return nil }
                }
                continue
            }
            minute = 63 - earlierMinutes.leadingZeroBitCount
            let result =
                CivilCalendar.dayNumber(year: year, month: month, day: day) * CivilCalendar.minutesPerDay
                + hour * 60 + minute
            return result >= limit ? result : nil
        }
    }
}
