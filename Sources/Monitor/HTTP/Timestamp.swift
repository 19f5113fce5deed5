import Cron
import Foundation

/// ISO 8601 in UTC with milliseconds, the API's one timestamp form:
/// `2026-11-28T06:00:00.123Z`. Hand-written because it is on the hot path of every ping.
public enum Timestamp {
    public static func string(from date: Date) -> String {
        format(date, separator: UInt8(ascii: "T"), zulu: true)
    }

    /// The form GRDB stores dates in, `2026-11-28 06:00:00.123`, so columns written
    /// with it read back as `Date`; binding a `Date` directly goes through a
    /// `DateFormatter`, which was a third of the database writer's time per ping.
    static func databaseText(from date: Date) -> String {
        format(date, separator: UInt8(ascii: " "), zulu: false)
    }

    /// `date` as the database keeps it, to the millisecond: what a write returns must
    /// equal what a later read gives (a run's `duration` above all).
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    private static func format(_ date: Date, separator: UInt8, zulu: Bool) -> String {
        // To the nearest millisecond, not down: a stored `…58.305` reads back as
        // 58.30499…, which must print as it was written.
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = CivilCalendar.floorDivide(milliseconds, 1000)
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(dayNumber: days)
        // Written into one buffer: building it from interpolated strings cost a tenth of
        // a ping's response time.
        return String(unsafeUninitializedCapacity: 40) { text in
            var position = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    text[position] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    position += 1
                    divisor /= 10
                }
            }
            func put(_ byte: UInt8) {
                text[position] = byte
                position += 1
            }
            if year < 0 { put(UInt8(ascii: "-")) }
            var yearDigits = 4
            var yearLimit = 10_000
            while abs(year) >= yearLimit, yearDigits < 18 {
                yearDigits += 1
                yearLimit *= 10
            }
            put(abs(year), digits: yearDigits)
            put(UInt8(ascii: "-"))
            put(month, digits: 2)
            put(UInt8(ascii: "-"))
            put(day, digits: 2)
            put(separator)
            put(secondOfDay / 3600, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay % 60, digits: 2)
            put(UInt8(ascii: "."))
            put(milliseconds - seconds * 1000, digits: 3)
            if zulu { put(UInt8(ascii: "Z")) }
            return position
        }
    }

    /// An instant as the store writes it, `2026-11-28 06:00:00.123` in UTC (see
    /// ``databaseText(from:)``); nil for any other form. A few times faster than GRDB's
    /// general date decoding, which goes through `DateComponents` and a calendar: it
    /// counts when a page reads 10,000 jobs with three dates each.
    static func fromDatabaseText(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
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

    /// An ISO 8601 instant with an offset or `Z`, with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        // Foundation's parser takes offsets such as +99:99; real ones are within ±14:00.
        if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }), text[sign...].contains(":"),
            text.distance(from: sign, to: text.endIndex) == 6
        {
            let offset = text[text.index(after: sign)...].split(separator: ":")
            guard offset.count == 2, let hours = Int(offset[0]), let minutes = Int(offset[1]), hours <= 14,
                minutes < 60
            else { return nil }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
