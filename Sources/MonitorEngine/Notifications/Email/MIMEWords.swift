import Foundation

/// RFC 2047 encoded words, for header text that is not plain ASCII.
enum MIMEWords {
    /// `text` as it is when it is printable ASCII, else as `=?UTF-8?B?...?=` words short
    /// enough for a header line, no character's UTF-8 split between two words (RFC 2047
    /// 5): cut between Unicode scalars, as a grapheme may be longer than a word holds.
    static func encoded(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return text }
        var words: [String] = []
        var chunk = String.UnicodeScalarView()
        var bytes = 0
        // 45 bytes of UTF-8 make 60 characters of base64.
        for scalar in text.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size > 45 {
                words.append(word(String(chunk)))
                chunk = String.UnicodeScalarView()
                bytes = 0
            }
            chunk.append(scalar)
            bytes += size
        }
        if !chunk.isEmpty { words.append(word(String(chunk))) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ text: String) -> String {
        "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
