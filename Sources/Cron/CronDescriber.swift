/// English descriptions of cron expressions, in the manner of crontab.guru and
/// cronstrue with a 24-hour clock: "At 06:30, Monday through Friday, January
/// through June", "Every 5 minutes", "At 09:00 on the second Monday of the month".
enum CronDescriber {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    private static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let ordinals = ["first", "second", "third", "fourth", "fifth"]

    static func monthName(_ month: Int) -> String { monthNames[month - 1] }
    static func weekdayName(_ weekday: Int) -> String { weekdayNames[weekday % 7] }

    /// `a`, `a and b`, `a, b and c` (or with "or").
    static func list(_ items: [String], conjunction: String = "and") -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }

    static func describe(_ expression: CronExpression) -> String {
        var text = timePhrase(
            minutes: expression.items(of: .minute), hours: expression.items(of: .hour))
        let dayOfMonth = dayOfMonthPhrase(expression.items(of: .dayOfMonth))
        let dayOfWeek = dayOfWeekPhrase(expression.items(of: .dayOfWeek))
        if let dayOfMonth, let dayOfWeek, !expression.daysMustMatchBoth {
            text += " \(dayOfMonth.text) or \(dayOfWeek.text.hasPrefix("on ") ? "" : "on ")\(dayOfWeek.text)"
        } else {
            for phrase in [dayOfMonth, dayOfWeek].compactMap({ $0 }) { text += phrase.joined }
        }
        if let month = monthPhrase(expression.items(of: .month)) { text += month.joined }
        return text
    }

    /// A phrase and how it attaches to what comes before it: "on ..." and "in ..."
    /// read on with a space, everything else after a comma.
    private struct Phrase {
        let text: String
        var joined: String { text.hasPrefix("on ") || text.hasPrefix("in ") ? " " + text : ", " + text }
    }

    // MARK: - Time of day

    private static func clock(_ hour: Int, _ minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// The only item of a field, or nil when it has several.
    private static func single(_ items: [CronFieldItem]) -> CronFieldItem? {
        items.count == 1 ? items[0] : nil
    }

    private static func plainValues(_ items: [CronFieldItem]) -> [Int]? {
        var values: [Int] = []
        for item in items {
            guard case .value(let value, step: nil) = item else { return nil }
            values.append(value)
        }
        return values.sorted()
    }

    private static func timePhrase(minutes: [CronFieldItem], hours: [CronFieldItem]) -> String {
        let minuteValues = plainValues(minutes)
        let hourValues = plainValues(hours)
        if let minuteValues, let hourValues, minuteValues.count * hourValues.count <= 6 {
            let times = hourValues.flatMap { hour in minuteValues.map { clock(hour, $0) } }
            return "At " + list(times)
        }
        if let minuteValues, minuteValues.count == 1 {
            let minute = minuteValues[0]
            let pastTheHour = minute == 0 ? "Every hour" : "At \(minute) minutes past the hour"
            switch single(hours) {
            case .any(step: nil)?:
                return pastTheHour
            case .any(step: let step?)?:
                return minute == 0 ? "Every \(step) hours" : "\(pastTheHour), every \(step) hours"
            case .range(let start, let end, step: nil)?:
                return "\(pastTheHour), from \(clock(start, minute)) through \(clock(end, minute))"
            case .range(let start, let end, step: let step?)?:
                let last = lastValue(start, end, step)
                return "\(pastTheHour), every \(step) hours from \(clock(start, minute)) through \(clock(last, minute))"
            case .value(let start, step: let step?)?:
                let last = lastValue(start, 23, step)
                return "\(pastTheHour), every \(step) hours from \(clock(start, minute)) through \(clock(last, minute))"
            default:
                return "\(pastTheHour), \(hourClause(hours))"
            }
        }
        let minuteText: String
        switch single(minutes) {
        case .any(step: nil)?: minuteText = "Every minute"
        case .any(step: let step?)?: minuteText = "Every \(step) minutes"
        default: minuteText = "At minutes " + list(minutes.map { itemText($0, unit: "minute") }) + " past the hour"
        }
        if hours == [.any(step: nil)] { return minuteText }
        return "\(minuteText), \(hourClause(hours))"
    }

    private static func hourClause(_ hours: [CronFieldItem]) -> String {
        switch single(hours) {
        case .any(step: let step?)?:
            return "every \(step) hours"
        case .range(let start, let end, step: nil)?:
            return "between \(clock(start, 0)) and \(clock(end, 59))"
        case .value(let hour, step: nil)?:
            return "between \(clock(hour, 0)) and \(clock(hour, 59))"
        case .range(let start, let end, step: let step?)?:
            return "every \(step) hours from \(clock(start, 0)) through \(clock(lastValue(start, end, step), 59))"
        case .value(let start, step: let step?)?:
            return "every \(step) hours from \(clock(start, 0)) through \(clock(lastValue(start, 23, step), 59))"
        default:
            return "during hours " + list(hours.map { itemText($0, unit: "hour") })
        }
    }

    /// The last value a stepped range reaches: `8-18/4` stops at 16.
    private static func lastValue(_ start: Int, _ end: Int, _ step: Int) -> Int {
        start + (end - start) / step * step
    }

    // MARK: - Days and months

    private static func dayOfMonthPhrase(_ items: [CronFieldItem]) -> Phrase? {
        switch single(items) {
        case .any(step: nil)?: return nil
        case .lastDayOfMonth?: return Phrase(text: "on the last day of the month")
        case .lastWeekdayOfMonth?: return Phrase(text: "on the last weekday of the month")
        case .any(step: let step?)?: return Phrase(text: "on every \(ordinalNumber(step)) day of the month")
        default:
            let plural = items.count > 1 || items.contains { if case .value(_, step: nil) = $0 { false } else { true } }
            return Phrase(
                text: "on day\(plural ? "s" : "") " + list(items.map { itemText($0, unit: "day") }) + " of the month")
        }
    }

    private static func dayOfWeekPhrase(_ items: [CronFieldItem]) -> Phrase? {
        switch single(items) {
        case .any(step: nil)?: return nil
        case .range(let start, let end, step: nil)?:
            return Phrase(text: "\(weekdayName(start)) through \(weekdayName(end))")
        case .any(step: let step?)?: return Phrase(text: "every \(ordinalNumber(step)) day of the week from Sunday")
        default: return Phrase(text: "on " + list(items.map(weekdayItemText)))
        }
    }

    private static func monthPhrase(_ items: [CronFieldItem]) -> Phrase? {
        switch single(items) {
        case .any(step: nil)?: return nil
        case .range(let start, let end, step: nil)?:
            return Phrase(text: "\(monthName(start)) through \(monthName(end))")
        case .any(step: let step?)?: return Phrase(text: "every \(step) months")
        default: return Phrase(text: "in " + list(items.map(monthItemText)))
        }
    }

    // MARK: - Items

    private static func ordinalNumber(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (1, let tens) where tens != 11: suffix = "st"
        case (2, let tens) where tens != 12: suffix = "nd"
        case (3, let tens) where tens != 13: suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

    private static func itemText(_ item: CronFieldItem, unit: String) -> String {
        itemText(item, unit: unit) { "\($0)" }
    }

    private static func weekdayItemText(_ item: CronFieldItem) -> String {
        switch item {
        case .lastWeekday(let weekday): "the last \(weekdayName(weekday)) of the month"
        case .nthWeekday(let weekday, let occurrence):
            "the \(ordinals[occurrence - 1]) \(weekdayName(weekday)) of the month"
        default: itemText(item, unit: "day of the week", name: weekdayName)
        }
    }

    private static func monthItemText(_ item: CronFieldItem) -> String {
        itemText(item, unit: "month", name: monthName)
    }

    private static func itemText(_ item: CronFieldItem, unit: String, name: (Int) -> String) -> String {
        switch item {
        case .any(step: nil): "every \(unit)"
        case .any(step: let step?): "every \(ordinalNumber(step)) \(unit)"
        case .value(let value, step: nil): name(value)
        case .value(let value, step: let step?): "every \(ordinalNumber(step)) \(unit) from \(name(value))"
        case .range(let start, let end, step: nil): "\(name(start)) through \(name(end))"
        case .range(let start, let end, step: let step?):
            "every \(ordinalNumber(step)) \(unit) from \(name(start)) through \(name(end))"
        case .lastDayOfMonth: "the last day"
        case .lastWeekdayOfMonth: "the last weekday"
        case .lastWeekday(let weekday): "the last \(weekdayName(weekday))"
        case .nthWeekday(let weekday, let occurrence): "the \(ordinals[occurrence - 1]) \(weekdayName(weekday))"
        }
    }
}

extension CronExpression {
    /// The schedule in English: "At 00:00", "Every 5 minutes", "At 06:30, Monday
    /// through Friday, January through June", "At 09:00 on the second Monday of the month".
    public var explanation: String { CronDescriber.describe(self) }
}
