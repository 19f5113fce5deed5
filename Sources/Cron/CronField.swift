/// One of the five fields of a cron expression, in the order they are written.
public enum CronField: Int, CaseIterable, Sendable, Hashable {
    case minute
    case hour
    case dayOfMonth
    case month
    case dayOfWeek

    /// The name used in diagnostics: `minute`, `hour`, `day-of-month`, `month`, `day-of-week`.
    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts as written; `7` is Sunday in day-of-week.
    public var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Three-letter names the field accepts, indexed from the field's first value.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The value a name stands for (`"MAR"` is 3, `"mon"` is 1), or nil.
    func value(ofName name: String) -> Int? {
        guard let index = names.firstIndex(of: name.uppercased()) else { return nil }
        return self == .month ? index + 1 : index
    }
}
