/// A parsed five-field cron expression, as Vixie cron and cronsim read it.
///
/// ```swift
/// let expression = try CronExpression("30 2 * * MON-FRI")
/// expression.isFixedTime        // true
/// expression.explanation        // "At 02:30, Monday through Friday"
/// ```
///
/// Parsing rejects everything cron would not run, and schedules that can never fire
/// (`0 0 30 2 *`), with a ``CronParseError`` that names the field and column. The
/// expression alone has no time zone; ``CronSchedule`` pairs it with one to compute
/// fire times.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as given, macros included (`@daily`).
    public let text: String
    /// The macro the text used (`@daily`), lowercased, or nil for a five-field text.
    public let macro: String?
    /// The five fields as written, each a list of items, in ``CronField`` order.
    public let fields: [[CronFieldItem]]
    /// Whether minute and hour both start with something other than `*`.
    ///
    /// Fixed-time schedules follow Debian cron's daylight-saving rules: a time in a
    /// skipped hour fires once right after the gap, a repeated hour fires once. Every
    /// other schedule is a wildcard schedule: skipped times are skipped, repeated
    /// times fire in both passes. See ``CronSchedule``.
    public let isFixedTime: Bool
    /// Whether day-of-month or day-of-week starts with `*`, which makes a day match
    /// only when both fields match; otherwise either field matching is enough.
    public let daysMustMatchBoth: Bool

    let matcher: CronMatcher

    /// Parses `text`, a five-field expression or one of the macros `@yearly`,
    /// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
    public init(_ text: String) throws(CronParseError) {
        self = try CronParser(text).parse()
    }

    init(text: String, macro: String?, fields: [[CronFieldItem]], isFixedTime: Bool, daysMustMatchBoth: Bool) {
        self.text = text
        self.macro = macro
        self.fields = fields
        self.isFixedTime = isFixedTime
        self.daysMustMatchBoth = daysMustMatchBoth
        self.matcher = CronMatcher(fields: fields, daysMustMatchBoth: daysMustMatchBoth)
    }

    /// The items of one field.
    public func items(of field: CronField) -> [CronFieldItem] { fields[field.rawValue] }

    public var description: String { text }

    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}
