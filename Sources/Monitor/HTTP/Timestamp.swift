import Cron
import Foundation

/// ISO 8601 in UTC with milliseconds, the API's one timestamp form:
/// `2026-11-28T06:00:00.123Z`. Hand-written because it is on the hot path of every ping.
public enum Timestamp {
    public static func string(from date: Date) -> String {
        format(date, separator: "T", suffix: "Z")
    }

    /// The form GRDB stores dates in, `2026-11-28 06:00:00.123`, so columns written
    /// with it read back as `Date`; binding a `Date` directly goes through a
    /// `DateFormatter`, which was a third of the database writer's time per ping.
    static func databaseText(from date: Date) -> String {
        format(date, separator: " ", suffix: "")
    }

    private static func format(_ date: Date, separator: String, suffix: String) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = CivilCalendar.floorDivide(milliseconds, 1000)
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(dayNumber: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(separator)\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(milliseconds - seconds * 1000, 3))\(suffix)"
    }

    /// An ISO 8601 instant with an offset or `Z`, with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
