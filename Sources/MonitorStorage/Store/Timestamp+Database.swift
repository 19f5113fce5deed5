import Cron
import Foundation
import MonitorDomain

/// The database's own form of an instant, beside the API's (``Timestamp/string(from:)``).
extension Timestamp {
    /// The form GRDB stores dates in, `2026-11-28 06:00:00.123`, so columns written
    /// with it read back as `Date`; binding a `Date` directly goes through a
    /// `DateFormatter`, which was a third of the database writer's time per ping.
    package static func databaseText(from date: Date) -> String {
        format(date, separator: UInt8(ascii: " "), zulu: false)
    }

    /// `date` as the database keeps it, to the millisecond: what a write returns must
    /// equal what a later read gives (a run's `duration` above all).
    package static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// An instant as the store writes it, `2026-11-28 06:00:00.123` in UTC (see
    /// ``databaseText(from:)``); nil for any other form. A few times faster than GRDB's
    /// general date decoding, which goes through `DateComponents` and a calendar: it
    /// counts when a page reads 10,000 jobs with three dates each.
    package static func fromDatabaseText(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(fromDatabaseText)
    }

    /// ``fromDatabaseText(_:)`` over the text's UTF-8 bytes, such as SQLite's own buffer
    /// for a column: no string is made.
    package static func fromDatabaseText(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 19 || bytes.count == 23 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var milliseconds = 0
        if bytes.count == 23 {
            guard bytes[19] == UInt8(ascii: "."), let fraction = number(20, 3) else { return nil }
            milliseconds = fraction
        }
        let days = CivilCalendar.dayNumber(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds * 1000 + milliseconds) / 1000)
    }
}
