import CronicleTestSupport
import Foundation

/// Random valid cron expressions, each with its meaning worked out independently of
/// the engine's parser, as a ``ReferenceSchedule``.
struct RandomCronExpression {
    var text: String
    var reference: ReferenceSchedule

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// One field's text and the values it stands for.
    private struct Field {
        var text: String
        var values: Set<Int>
    }

    static func make(timeZone: TimeZone, using random: inout SeededGenerator) -> RandomCronExpression {
        let minute = numericField(0...59, steps: [1, 2, 5, 7, 10, 15, 20, 30, 45], starWeight: 3, using: &random)
        let hour = numericField(
            0...23, steps: [1, 2, 3, 4, 6, 8, 12], starWeight: 3, likely: 0...4, using: &random)
        var dayOfMonth = Field(text: "*", values: Set(1...31))
        var lastDay = false
        var lastWeekday = false
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5: break
        case 5: dayOfMonth = Field(text: "L", values: []); lastDay = true
        case 6: dayOfMonth = Field(text: "LW", values: []); lastWeekday = true
        case 7:
            let day = Int.random(in: 1...28, using: &random)
            dayOfMonth = Field(text: "\(day),L", values: [day]); lastDay = true
        default: dayOfMonth = numericField(1...31, steps: [2, 3, 5, 10], starWeight: 1, using: &random)
        }
        let month =
            Int.random(in: 0..<3, using: &random) == 0
            ? namedField(1...12, names: monthNames, using: &random)
            : Field(text: "*", values: Set(1...12))
        var weekday = Field(text: "*", values: Set(0...6))
        var lastWeekdays: Set<Int> = []
        var nthWeekdays: Set<[Int]> = []
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5: break
        case 5:
            let day = Int.random(in: 0...7, using: &random)
            weekday = Field(text: "\(day)L", values: []); lastWeekdays = [day % 7]
        case 6:
            let day = Int.random(in: 0...7, using: &random)
            let occurrence = Int.random(in: 1...5, using: &random)
            let name = Bool.random(using: &random) ? "\(day)" : dayNames[day % 7]
            weekday = Field(text: "\(name)#\(occurrence)", values: []); nthWeekdays = [[day % 7, occurrence]]
        default:
            let field = namedField(0...7, names: dayNames, using: &random)
            weekday = Field(text: field.text, values: Set(field.values.map { $0 % 7 }))
        }
        let text = [minute.text, hour.text, dayOfMonth.text, month.text, weekday.text].joined(separator: " ")
        let reference = ReferenceSchedule(
            minutes: minute.values, hours: hour.values, daysOfMonth: dayOfMonth.values,
            lastDayOfMonth: lastDay, lastWeekdayOfMonth: lastWeekday, months: month.values,
            weekdays: weekday.values, lastWeekdays: lastWeekdays, nthWeekdays: nthWeekdays,
            daysMustMatchBoth: dayOfMonth.text.hasPrefix("*") || weekday.text.hasPrefix("*"),
            isFixedTime: !minute.text.hasPrefix("*") && !hour.text.hasPrefix("*"),
            timeZone: timeZone)
        return RandomCronExpression(text: text, reference: reference)
    }

    private static func numericField(
        _ range: ClosedRange<Int>, steps: [Int], starWeight: Int, likely: ClosedRange<Int>? = nil,
        using random: inout SeededGenerator
    ) -> Field {
        let items = Int.random(in: 0..<(starWeight + 5), using: &random)
        if items < starWeight {
            if Bool.random(using: &random) { return Field(text: "*", values: Set(range)) }
            let step = steps.randomElement(using: &random)!
            return Field(
                text: "*/\(step)", values: Set(stride(from: range.lowerBound, through: range.upperBound, by: step)))
        }
        var texts: [String] = []
        var values: Set<Int> = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let pool = likely != nil && Bool.random(using: &random) ? likely! : range
            let start = Int.random(in: pool, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0, 1:
                texts.append("\(start)"); values.insert(start)
            case 2:
                let end = Int.random(in: start...range.upperBound, using: &random)
                let step = Bool.random(using: &random) ? 1 : steps.randomElement(using: &random)!
                texts.append(step == 1 ? "\(start)-\(end)" : "\(start)-\(end)/\(step)")
                values.formUnion(stride(from: start, through: end, by: step))
            default:
                let step = steps.randomElement(using: &random)!
                texts.append("\(start)/\(step)")
                values.formUnion(stride(from: start, through: range.upperBound, by: step))
            }
        }
        return Field(text: texts.joined(separator: ","), values: values)
    }

    /// Values, names in any case, and ranges of either.
    private static func namedField(_ range: ClosedRange<Int>, names: [String], using random: inout SeededGenerator)
        -> Field
    {
        func spell(_ value: Int) -> String {
            // A name has one value only: SUN is 0, so 7 stays a number (FRI-7, not FRI-SUN).
            guard value - range.lowerBound < names.count, Bool.random(using: &random) else { return "\(value)" }
            let name = names[value - range.lowerBound]
            return Bool.random(using: &random) ? name : name.lowercased()
        }
        var texts: [String] = []
        var values: Set<Int> = []
        for _ in 0..<Int.random(in: 1...2, using: &random) {
            let start = Int.random(in: range, using: &random)
            if Bool.random(using: &random) {
                texts.append(spell(start)); values.insert(start)
            } else {
                let end = Int.random(in: start...range.upperBound, using: &random)
                texts.append("\(spell(start))-\(spell(end))"); values.formUnion(start...end)
            }
        }
        return Field(text: texts.joined(separator: ","), values: values)
    }
}
