import MonitorDomain

/// Turns a statement written with SQLite's placeholders (`?` and `?N`) into PostgreSQL's
/// (`$N`), so that the store's SQL is written once.
///
/// SQLite's own rule decides the numbers: `?N` is parameter N, and a bare `?` is one more
/// than the largest number used so far in the text (so `?2 ... ?` is parameters 2 and 3).
/// Question marks inside string literals, quoted names, comments and dollar-quoted bodies
/// (PostgreSQL's `$$ ... $$`) are left alone. Named parameters (`:name`, `@name`, `#name`,
/// `$name`, `:1`) are refused: the store binds by position.
///
/// Hand-written because it is this one rule, and the rewrite must match SQLite's numbering
/// exactly; a differential test runs each case on SQLite before and after the rewrite.
package enum PlaceholderRewriter {
    /// A statement in PostgreSQL's placeholders.
    package struct Rewritten: Sendable, Hashable {
        package let sql: String
        /// How many parameters the statement takes: its largest placeholder number.
        package let parameterCount: Int
    }

    /// `sql` with `?` and `?N` replaced by `$N`.
    package static func postgres(_ sql: String) throws -> Rewritten {
        let bytes = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var largest = 0
        var index = 0

        /// Copies up to and including the closing `quote`, where a doubled quote is one
        /// character of the literal (`'it''s'`).
        func copyQuoted(closing quote: UInt8) {
            output.append(bytes[index])
            index += 1
            while index < bytes.count {
                output.append(bytes[index])
                if bytes[index] == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        output.append(quote)
                        index += 2
                        continue
                    }
                    index += 1
                    return
                }
                index += 1
            }
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                copyQuoted(closing: byte)
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                    output.append(bytes[index])
                    index += 1
                }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index < bytes.count,
                    !(bytes[index] == UInt8(ascii: "*") && index + 1 < bytes.count
                        && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    index += 1
                }
                index = min(index + 2, bytes.count)
                output.append(contentsOf: bytes[start..<index])
            case UInt8(ascii: "?"):
                index += 1
                var number = 0
                var digits = 0
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    digits += 1
                    index += 1
                    guard number <= 32_766 else {
                        throw MonitorError(.internalError, "a placeholder's number is over 32766 in: \(sql)")
                    }
                }
                if digits == 0 {
                    number = largest + 1
                } else if number == 0 {
                    throw MonitorError(.internalError, "placeholders are numbered from ?1, not ?0, in: \(sql)")
                }
                largest = max(largest, number)
                output.append(UInt8(ascii: "$"))
                output.append(contentsOf: Array(String(number).utf8))
            case UInt8(ascii: "$") where index > 0 && isIdentifierByte(bytes[index - 1]):
                // Inside a name (`a$b`), as both databases allow.
                output.append(byte)
                index += 1
            case UInt8(ascii: "$"):
                if let tagEnd = dollarTagEnd(bytes, from: index) {
                    // A dollar-quoted body (`$$ ... $$`, `$body$ ... $body$`) is copied whole.
                    let tag = bytes[index..<tagEnd]
                    var end = tagEnd
                    while end < bytes.count, !bytes[end...].starts(with: tag) { end += 1 }
                    end = min(end + tag.count, bytes.count)
                    output.append(contentsOf: bytes[index..<end])
                    index = end
                } else {
                    throw namedParameter(sql)
                }
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "#"):
                // `::` is PostgreSQL's cast and stays; a name or number right after one of these
                // is a named parameter of SQLite's, which this store does not use.
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let isCast = byte == UInt8(ascii: ":") && (next == UInt8(ascii: ":") || previousIsColon(bytes, index))
                if isIdentifierByte(next) && !isCast { throw namedParameter(sql) }
                output.append(byte)
                index += 1
            default:
                output.append(byte)
                index += 1
            }
        }
        return Rewritten(sql: String(decoding: output, as: UTF8.self), parameterCount: largest)
    }

    private static func namedParameter(_ sql: String) -> MonitorError {
        MonitorError(.internalError, "the store binds parameters by position (? or ?N), not by name, in: \(sql)")
    }

    /// A letter, digit, underscore or any byte of a non-ASCII character: what SQLite reads
    /// as part of a name.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// The end of a dollar-quote's opening tag starting at `start` (`$$` or `$name$`), or
    /// nil when the `$` starts none.
    private static func dollarTagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "$") { return index + 1 }
        guard !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: "$") && index > start + 1 ? index + 1 : nil
    }

    private static func previousIsColon(_ bytes: [UInt8], _ index: Int) -> Bool {
        index > 0 && bytes[index - 1] == UInt8(ascii: ":")
    }
}
