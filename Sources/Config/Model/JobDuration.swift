/// A length of time in whole seconds, as job definitions and the REST API write it.
///
/// A number means minutes (`30`, `1.5`); a string must carry a unit (`"90s"`, `"15m"`,
/// `"2h"`, `"1d"`, or several: `"1h30m"`). A string without a unit is refused with a
/// suggestion, since `"30"` could mean seconds or minutes.
///
/// ```swift
/// try JobDuration(parsing: "1h30m").seconds   // 5400
/// try JobDuration(minutes: 1.5).seconds       // 90
/// ```
public struct JobDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let seconds: Int

    public init(seconds: Int) {
        self.seconds = seconds
    }

    /// Why a value is not a duration; the message reads after the field name.
    public struct ParseError: Error, Sendable, Hashable {
        public let message: String
        /// Whether the value is written as a duration but is too long to be one (over
        /// ``longestRepresentable``), so a caller may answer with the limit of its field.
        public let isTooLong: Bool

        init(message: String, isTooLong: Bool = false) {
            self.message = message
            self.isTooLong = isTooLong
        }
    }

    /// The longest duration held at all, about 31,700 years: far beyond any field's own
    /// limit, and far within what seconds in an `Int` and dates can take.
    public static let longestRepresentable = JobDuration(seconds: 1_000_000_000_000)

    private static let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]

    /// A number of minutes, which must come to whole seconds.
    public init(minutes: Double) throws(ParseError) {
        let seconds = minutes * 60
        guard !seconds.isNaN else { throw ParseError(message: "\(minutes) is not a number of minutes") }
        guard abs(seconds) < Double(Self.longestRepresentable.seconds) else {
            throw Self.outOfRange("\(Self.format(minutes)) minutes", negative: seconds < 0)
        }
        guard seconds == seconds.rounded() else {
            throw ParseError(message: "\(Self.format(minutes)) minutes is not a whole number of seconds")
        }
        self.seconds = Int(seconds)
    }

    /// A string such as `"90s"`, `"15m"`, `"2h"`, `"1d"` or `"1h30m"`.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingWhitespace()
        if Double(trimmed) != nil {
            let number = UntrustedText.excerpt(trimmed)
            throw ParseError(
                message: "\"\(UntrustedText.excerpt(text))\" has no unit; write \(number) (a number, in minutes) "
                    + "or \"\(number)m\"")
        }
        var total = 0.0
        var number = ""
        var sawUnit = false
        let negative = trimmed.hasPrefix("-")
        for character in negative ? trimmed.dropFirst() : Substring(trimmed) {
            if character.isASCII && (character.isNumber || character == ".") {
                number.append(character)
            } else if let unit = Self.units[character], let value = Double(number) {
                total += value * Double(unit)
                number = ""
                sawUnit = true
            } else {
                throw Self.malformed(text)
            }
        }
        guard sawUnit, number.isEmpty else { throw Self.malformed(text) }
        guard total < Double(Self.longestRepresentable.seconds) else {
            throw Self.outOfRange("\"\(UntrustedText.excerpt(text))\"", negative: negative)
        }
        guard total == total.rounded() else {
            throw ParseError(message: "\"\(UntrustedText.excerpt(text))\" is not a whole number of seconds")
        }
        seconds = negative ? -Int(total) : Int(total)
    }

    private static func outOfRange(_ written: String, negative: Bool) -> ParseError {
        negative
            ? ParseError(message: "\(written) is out of range for a duration")
            : ParseError(message: "\(written) is too long to be a duration", isTooLong: true)
    }

    private static func malformed(_ text: String) -> ParseError {
        ParseError(
            message: "\"\(UntrustedText.excerpt(text))\" is not a duration; write minutes as a number (30) "
                + "or a string with a unit: \"90s\", \"15m\", \"2h\", \"1d\"")
    }

    /// Minutes, the unit of the REST API.
    public var minutes: Double { Double(seconds) / 60 }

    /// The shortest exact spelling: `90s`, `15m`, `2h`, `1d`, `1h30m`.
    public var description: String {
        guard seconds != 0 else { return "0m" }
        var rest = abs(seconds)
        var text = seconds < 0 ? "-" : ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    public static func < (lhs: JobDuration, rhs: JobDuration) -> Bool { lhs.seconds < rhs.seconds }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
