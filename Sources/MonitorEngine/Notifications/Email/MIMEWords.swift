import Foundation

/// RFC 2047 encoded words, for header text that is not plain ASCII.
enum MIMEWords {
    /// `text` as it is when it is printable ASCII, else as `=?UTF-8?B?...?=` words short
    /// enough for a header line, characters never split between two words.
    static func encoded(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return text }
        var words: [String] = []
        var chunk = ""
        // 45 bytes of UTF-8 make 60 characters of base64.
        for character in text {
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(word(chunk))
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ text: String) -> String {
        "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
