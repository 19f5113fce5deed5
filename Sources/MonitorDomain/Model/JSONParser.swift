/// A strict JSON parser for request bodies, written by hand because none of the parsers
/// at hand gives the guarantees a server that anyone can reach needs:
///
/// - Time and memory linear in the input: one pass, no backtracking. (`JSONValue`'s
///   `Decodable` conformance tried each type in turn at every level, so a 1 KB body of
///   nested arrays cost a second of CPU.)
/// - Nesting deeper than ``maximumDepth`` is refused with a message, not followed.
/// - Duplicate keys in an object are refused: `{"run_id": "a", "run_id": "b"}` means
///   nothing a client could rely on, and YAML definitions refuse them too.
/// - Numbers keep the digits they were sent with (``JSONNumber``), so an id of 20 digits
///   in `client_info` comes back exactly as sent.
///
/// Errors say what was wrong and where (line and column), in words.
struct JSONParser {
    /// Deeper nesting is refused; `client_info` needs a handful of levels.
    static let maximumDepth = 64

    typealias Failure = JSONValue.ParseError

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    /// Parses one JSON value that makes up the whole of `bytes` (white space around it allowed).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw failure("the body ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try nested { parser throws(Failure) in try parser.parseObject() }
        case UInt8(ascii: "["): return try nested { parser throws(Failure) in try parser.parseArray() }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character \(describe(bytes[index])) where a value was expected")
        }
    }

    private mutating func nested(_ parse: (inout JSONParser) throws(Failure) -> JSONValue) throws(Failure) -> JSONValue
    {
        depth += 1
        if depth > Self.maximumDepth {
            throw failure("the JSON nests deeper than \(Self.maximumDepth) levels")
        }
        defer { depth -= 1 }
        return try parse(&self)
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        index += 1  // {
        var object: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(object) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a field name in double quotes")
            }
            let keyStart = index
            let key = try parseString()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw failure("expected ':' after the field name \"\(key)\"") }
            skipWhitespace()
            let value = try parseValue()
            if object.updateValue(value, forKey: key) != nil {
                index = keyStart
                throw failure("the field \"\(key)\" appears twice in one object")
            }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return .object(object) }
            throw failure("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        index += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { return .array(items) }
            throw failure("expected ',' or ']' in an array")
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1  // opening quote
        let start = index
        // The common case, no escapes: one validating copy of the bytes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try utf8(start..<index)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("a control character \(describe(byte)) inside a string must be escaped") }
            index += 1
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: try utf8(start..<index).unicodeScalars)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                index += 1
                scalars.append(try parseEscape())
            case ..<0x20:
                throw failure("a control character \(describe(byte)) inside a string must be escaped")
            default:
                let runStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"),
                    bytes[index] >= 0x20
                {
                    index += 1
                }
                scalars.append(contentsOf: try utf8(runStart..<index).unicodeScalars)
            }
        }
        throw failure("a string is not closed before the end of the body")
    }

    private mutating func parseEscape() throws(Failure) -> Unicode.Scalar {
        guard index < bytes.count else { throw failure("a string is not closed before the end of the body") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hexQuad()
            if (0xD800..<0xDC00).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("\\u\(hex(first)) is half of a surrogate pair; its second half is missing") }
                index += 2
                let second = try hexQuad()
                guard (0xDC00..<0xE000).contains(second) else {
                    throw failure("\\u\(hex(first)) must be followed by a low surrogate, found \\u\(hex(second))")
                }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw failure("\\u\(hex(first)) is a lone low surrogate, not a character")
            }
            return scalar
        default:
            index -= 1
            let shown = (0x21..<0x7F).contains(byte) ? "\\\(Character(Unicode.Scalar(byte)))" : describe(byte)
            throw failure("\(shown) is not a JSON escape; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX")
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("\\u needs four hexadecimal digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt32
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(bytes[index] - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(bytes[index] - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(bytes[index] - UInt8(ascii: "A") + 10)
            default: throw failure("\\u needs four hexadecimal digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// JSON's number grammar exactly: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func parseNumber() throws(Failure) -> JSONNumber {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number needs digits after '-'") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("a number must not start with 0") }
        } else {
            skipDigits()
        }
        if consume(UInt8(ascii: ".")) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number needs digits after '.'") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw failure("a number needs digits in its exponent")
            }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let number = JSONNumber(literal: text) else { throw failure("the number \(text) is too large") }
        return number
    }

    // MARK: - Small parts

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
        let count = word.utf8CodeUnitCount
        let matches =
            index + count <= bytes.count
            && word.withUTF8Buffer { expected in bytes[index..<index + count].elementsEqual(expected) }
        guard matches else {
            throw failure("unexpected character \(describe(bytes[index])) where a value was expected")
        }
        index += count
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private func utf8(_ range: Range<Int>) throws(Failure) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw failure("a string is not valid UTF-8")
        }
        return text
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A byte as a reader would want to see it in a message: `'x'`, or `0x1B` when not printable.
    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }

    /// An error at the current position, with its line and column (1-based, in bytes).
    private func failure(_ message: String) -> Failure {
        let position = min(index, bytes.count)
        var line = 1
        var lineStart = 0
        for offset in 0..<position where bytes[offset] == 0x0A {
            line += 1
            lineStart = offset + 1
        }
        return JSONValue.ParseError(message: "\(message) (line \(line), column \(position - lineStart + 1))")
    }
}
