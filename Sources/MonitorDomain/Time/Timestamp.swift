import Cron
import Foundation

/// ISO 8601 in UTC with milliseconds, the API's one timestamp form:
/// `2026-11-28T06:00:00.123Z`. Hand-written because it is on the hot path of every ping.
public enum Timestamp {
    public static func string(from date: Date) -> String {
        format(date, separator: UInt8(ascii: "T"), zulu: true)
    }

    /// `date` in whole milliseconds since 1970, the precision every instant is kept and
    /// shown at: to the nearest, not down, since a stored `…58.305` reads back as
    /// 58.30499…, which must print, compare and subtract as it was written.
    public static func milliseconds(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The API form and the database form differ only in the separator and the `Z`.
    package static func format(_ date: Date, separator: UInt8, zulu: Bool) -> String {
        let milliseconds = milliseconds(date)
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
