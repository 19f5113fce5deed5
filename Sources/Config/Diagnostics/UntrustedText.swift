/// Text that came from a job-definition file (a key, a value, a file name, a YAML parser
/// message that repeats the offending input) made safe to print inside a message: the
/// one place that decides how user text is quoted.
///
/// Definitions arrive in pull requests from anyone who can open one, and what the
/// linter and the plan print ends up on terminals and in published pull-request
/// annotations. So control characters never pass through raw (a terminal would obey
/// `ESC [2J`; a newline would forge a line of output), and an excerpt is short, so a
/// diagnostic can point at a value without reprinting a file.
///
/// ```swift
/// UntrustedText.escaped("a\u{1B}[2J\nb")           // a\u{1B}[2J\nb (as plain ASCII)
/// UntrustedText.excerpt(String(repeating: "x", count: 100))   // 60 characters, then …
/// UntrustedText.literal("say \"hi\"\n")          // "say \"hi\"\n"
/// ```
public enum UntrustedText {
    /// How many characters of user text a message quotes, escapes included.
    public static let excerptLength = 60

    /// `text` with every control character, and every character that reorders or breaks
    /// lines, written as an escape: `\n`, `\r`, `\t`, or `\u{1B}` with the scalar in hex.
    /// Everything else, backslashes included, is kept, so escaping twice changes nothing.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if let escape = escape(scalar) {
                result += escape
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// An escaped excerpt of `text` of at most `limit` characters, ending in `…` when
    /// `text` was longer: what a message may quote of a key or a value.
    public static func excerpt(_ text: String, limit: Int = excerptLength) -> String {
        var result = ""
        var length = 0
        for character in text {
            let piece = character.unicodeScalars.contains(where: needsEscaping) ? escaped(String(character)) : nil
            let pieceLength = piece?.count ?? 1
            guard length + pieceLength <= limit else { return result + "…" }
            if let piece { result += piece } else { result.append(character) }
            length += pieceLength
        }
        return result
    }

    /// `text` as a double-quoted string literal on one line, as plans print values:
    /// `\` and `"` are escaped too, so the literal reads back unambiguously.
    public static func literal(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default:
                if let escape = escape(scalar) {
                    result += escape
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// The escape for a scalar that must not be printed raw, nil for any other.
    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        guard needsEscaping(scalar) else { return nil }
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// C0 and C1 controls and DEL (terminal escapes, line breaks, NUL), the Unicode line
    /// and paragraph separators, and the bidirectional controls that make text display in
    /// another order than it reads ("Trojan Source").
    private static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
