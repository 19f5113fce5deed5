/// Turns the text of a cron expression into a ``CronExpression``, or a
/// ``CronParseError`` that points at the first thing wrong with it.
struct CronParser {
    private struct Token {
        let text: String
        let column: Int
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]
    private static let macroList = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
    private static let fieldList = "minute hour day-of-month month day-of-week"

    let text: String

    init(_ text: String) {
        self.text = text
    }

    func parse() throws(CronParseError) -> CronExpression {
        let tokens = Self.tokens(of: text)
        guard let first = tokens.first else {
            throw CronParseError(
                field: nil,
                message: "is empty; expected 5 fields (\(Self.fieldList)) or a macro such as @daily",
                column: 1, text: text)
        }
        if first.text.hasPrefix("@") {
            return try parseMacro(first, rest: tokens.dropFirst())
        }
        guard tokens.count == 5 else {
            if tokens.count > 5 {
                throw CronParseError(
                    field: nil,
                    message: "expected 5 fields (\(Self.fieldList)), found \(tokens.count); "
                        + "six-field expressions with seconds or years are not supported",
                    column: tokens[5].column, text: tokens[5].text)
            }
            let last = tokens[tokens.count - 1]
            throw CronParseError(
                field: nil,
                message: "expected 5 fields (\(Self.fieldList)), found \(tokens.count)",
                column: last.column + last.text.count, text: "")
        }
        var fields: [[CronFieldItem]] = []
        for field in CronField.allCases {
            let token = tokens[field.rawValue]
            fields.append(try parseField(field, token.text, column: token.column))
        }
        let expression = CronExpression(
            text: text, macro: nil, fields: fields,
            isFixedTime: !tokens[0].text.hasPrefix("*") && !tokens[1].text.hasPrefix("*"),
            daysMustMatchBoth: tokens[2].text.hasPrefix("*") || tokens[4].text.hasPrefix("*"))
        try Self.checkFires(expression, dayOfMonthColumn: tokens[2].column, dayOfMonthText: tokens[2].text)
        return expression
    }

    private func parseMacro(_ token: Token, rest: ArraySlice<Token>) throws(CronParseError) -> CronExpression {
        let name = token.text.lowercased()
        guard let expansion = Self.macros[name] else {
            let message =
                name == "@reboot"
                ? "@reboot is not supported: it has no fire time that a monitor could watch"
                : "unknown macro '\(token.text)'; expected one of \(Self.macroList)"
            throw CronParseError(field: nil, message: message, column: token.column, text: token.text)
        }
        if let extra = rest.first {
            throw CronParseError(
                field: nil, message: "unexpected '\(extra.text)' after \(name)",
                column: extra.column, text: extra.text)
        }
        var fields: [[CronFieldItem]] = []
        for (field, part) in zip(CronField.allCases, expansion.split(separator: " ")) {
            fields.append(try parseField(field, String(part), column: token.column))
        }
        return CronExpression(
            text: text, macro: name, fields: fields,
            isFixedTime: name != "@hourly", daysMustMatchBoth: true)
    }

    private static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        for (offset, character) in text.enumerated() {
            if character.isWhitespace {
                if !current.isEmpty {
                    tokens.append(Token(text: current, column: start + 1))
                    current = ""
                }
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(Token(text: current, column: start + 1)) }
        return tokens
    }

    // MARK: - Fields

    private func parseField(_ field: CronField, _ token: String, column: Int) throws(CronParseError) -> [CronFieldItem]
    {
        var items: [CronFieldItem] = []
        var offset = 0
        for part in token.split(separator: ",", omittingEmptySubsequences: false) {
            let itemColumn = column + offset
            if part.isEmpty {
                throw CronParseError(
                    field: field, message: "empty item in the list '\(token)'", column: itemColumn, text: token)
            }
            items.append(try parseItem(field, String(part), column: itemColumn))
            offset += part.count + 1
        }
        return items
    }

    private func parseItem(_ field: CronField, _ item: String, column: Int) throws(CronParseError) -> CronFieldItem {
        let upper = item.uppercased()
        if upper == "?" {
            throw CronParseError(
                field: field, message: "'?' is Quartz syntax, not cron; use '*'", column: column, text: item)
        }
        if field == .dayOfMonth, upper.hasPrefix("L") {
            if upper == "L" { return .lastDayOfMonth }
            if upper == "LW" { return .lastWeekdayOfMonth }
            throw CronParseError(
                field: field, message: Self.unknownValueMessage(field, item), column: column, text: item)
        }
        if let hash = item.firstIndex(of: "#") {
            guard field == .dayOfWeek else {
                throw CronParseError(
                    field: field,
                    message: "'#' (nth weekday of the month) is only allowed in day-of-week, as in 1#2",
                    column: column + item.distance(from: item.startIndex, to: hash), text: item)
            }
            let weekday = try value(field, String(item[..<hash]), column: column)
            let occurrenceText = String(item[item.index(after: hash)...])
            let occurrenceColumn = column + item.distance(from: item.startIndex, to: hash) + 1
            guard let occurrence = Self.number(occurrenceText), (1...5).contains(occurrence) else {
                throw CronParseError(
                    field: field,
                    message: "occurrence '\(occurrenceText)' after '#' must be 1 to 5 (1#2 is the second Monday)",
                    column: occurrenceColumn, text: occurrenceText)
            }
            return .nthWeekday(weekday, occurrence)
        }
        if field == .dayOfWeek, upper.count > 1, upper.hasSuffix("L"), !upper.contains("/"), !upper.contains("-") {
            return .lastWeekday(try value(field, String(item.dropLast()), column: column))
        }
        if let slash = item.firstIndex(of: "/") {
            let base = String(item[..<slash])
            let stepText = String(item[item.index(after: slash)...])
            let stepColumn = column + base.count + 1
            guard let step = Self.number(stepText) else {
                let message =
                    stepText.isEmpty ? "missing step after '/' in '\(item)'" : "step '\(stepText)' is not a number"
                throw CronParseError(field: field, message: message, column: stepColumn, text: stepText)
            }
            guard step >= 1 else {
                throw CronParseError(
                    field: field, message: "step \(stepText) must be 1 or more", column: stepColumn, text: stepText)
            }
            if base == "*" { return .any(step: step) }
            if base.isEmpty {
                throw CronParseError(
                    field: field, message: "missing start before '/' in '\(item)'", column: column, text: item)
            }
            if base.contains("-") {
                let (start, end) = try range(field, base, column: column)
                return .range(start, end, step: step)
            }
            return .value(try value(field, base, column: column), step: step)
        }
        if item == "*" { return .any(step: nil) }
        if item.contains("-") {
            let (start, end) = try range(field, item, column: column)
            return .range(start, end, step: nil)
        }
        return .value(try value(field, item, column: column), step: nil)
    }

    private func range(_ field: CronField, _ text: String, column: Int) throws(CronParseError) -> (Int, Int) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw CronParseError(
                field: field, message: "'\(text)' is not a range; write start-end, as in 1-5",
                column: column, text: text)
        }
        let start = try value(field, String(parts[0]), column: column)
        let end = try value(field, String(parts[1]), column: column + parts[0].count + 1)
        guard start <= end else {
            var message = "range '\(text)' runs backwards: its start is after its end"
            if field == .dayOfWeek, end == 0 {
                message += "; Sunday is 0 at the start of the week and 7 at its end, so write \(parts[0])-7"
            }
            throw CronParseError(field: field, message: message, column: column, text: text)
        }
        return (start, end)
    }

    private func value(_ field: CronField, _ text: String, column: Int) throws(CronParseError) -> Int {
        if text.isEmpty {
            throw CronParseError(field: field, message: "missing value", column: column, text: text)
        }
        if let number = Self.number(text) {
            guard field.range.contains(number) else {
                throw CronParseError(
                    field: field, message: "value \(text) is out of range \(Self.rangeText(field))",
                    column: column, text: text)
            }
            return number
        }
        if let named = field.value(ofName: text) { return named }
        throw CronParseError(field: field, message: Self.unknownValueMessage(field, text), column: column, text: text)
    }

    private static func unknownValueMessage(_ field: CronField, _ text: String) -> String {
        let upper = text.uppercased()
        if field == .minute || field == .hour || field == .month, upper == "L" || upper == "LW" {
            return "'\(text)' is only allowed in day-of-month and day-of-week"
        }
        switch field {
        case .dayOfMonth where upper.hasSuffix("W"):
            return "'\(text)' (nearest weekday) is not supported; LW (last weekday of the month) is"
        case .dayOfMonth where upper.contains("L"):
            return "'\(text)' is not supported; day-of-month accepts L (last day) and LW (last weekday)"
        case .dayOfWeek where upper == "L":
            return "'L' in day-of-week needs a weekday before it, as in 5L (the last Friday)"
        case .month:
            return "'\(text)' is not a month (1-12 or JAN-DEC)"
        case .dayOfWeek:
            return "'\(text)' is not a day of the week (0-7 or SUN-SAT)"
        default:
            return "'\(text)' is not a number"
        }
    }

    private static func rangeText(_ field: CronField) -> String {
        "\(field.range.lowerBound)-\(field.range.upperBound)"
    }

    /// A non-negative decimal number of ASCII digits; huge values saturate instead
    /// of overflowing, so they are reported as out of range.
    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty else { return nil }
        var result = 0
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            result = min(result * 10 + Int(byte - 0x30), 1_000_000)
        }
        return result
    }

    // MARK: - Schedules that never fire

    private static func checkFires(
        _ expression: CronExpression, dayOfMonthColumn: Int, dayOfMonthText: String
    ) throws(CronParseError) {
        guard !expression.matcher.hasMatchingDay else { return }
        let matcher = expression.matcher
        let months = (1...12).filter { matcher.months & (1 << $0) != 0 }
        let firstDay = (1...31).first { matcher.daysOfMonth & (1 << $0) != 0 }
        let message: String
        if let firstDay, !matcher.lastDayOfMonth, !matcher.lastWeekdayOfMonth {
            let names = months.map { CronDescriber.monthName($0) }
            message = "never fires: day \(firstDay) does not occur in \(CronDescriber.list(names, conjunction: "or"))"
        } else {
            message = "never fires: no day matches both day-of-month and day-of-week"
        }
        throw CronParseError(
            kind: .neverFires, field: .dayOfMonth, message: message, column: dayOfMonthColumn, text: dayOfMonthText)
    }
}
