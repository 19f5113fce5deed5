import Config
import Foundation

/// One e-mail as Cronicle sends it: plain text and HTML alternatives, UTF-8, base64
/// bodies (so any run message travels in 7 bits), a subject that names the job and the
/// event, and a `Message-ID` made from the delivery id so a retried message is
/// recognisably the same one.
public struct EmailMessage: Sendable, Hashable {
    public var from: EmailAddress
    public var to: [EmailAddress]
    public var subject: String
    public var text: String
    public var html: String
    public var messageID: String
    public var date: Date

    public init(
        from: EmailAddress, to: [EmailAddress], subject: String, text: String, html: String, messageID: String,
        date: Date
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// The message as SMTP's DATA carries it (RFC 5322 and MIME), lines ending in CRLF,
    /// before dot-stuffing.
    public func rendered() -> String {
        let boundary = "cronicle-\(messageID.filter { $0.isLetter || $0.isNumber })"
        var lines = [
            "From: \(Self.header(from))",
            // One recipient a line: a long list stays within the line limit.
            "To: \(to.map(Self.header).joined(separator: ",\r\n "))",
            "Subject: \(MIMEWords.encoded(Self.headerText(subject)))",
            "Date: \(Self.dateText(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            // RFC 3834: an automatic message, which auto-responders must not answer.
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += Self.base64Lines(body)
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Header text on one line: line breaks and other control characters become spaces,
    /// so no text from a run can add a header.
    static func headerText(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(200).map { $0.value < 32 || $0.value == 127 ? " " : $0 }))
    }

    /// `Name <address>`: a plain name as it is, one with RFC 5322 specials (a comma
    /// would split it into two mailboxes) quoted, any other encoded.
    static func header(_ address: EmailAddress) -> String {
        guard let name = address.displayName.map(headerText) else { return address.address }
        let specials = Set("()<>[]:;@\\,.\"".unicodeScalars)
        let plain = name.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 }
        guard plain, name.unicodeScalars.contains(where: specials.contains) else {
            return "\(MIMEWords.encoded(name)) <\(address.address)>"
        }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" <\(address.address)>"
    }

    /// Base64 in lines of 76 characters, as MIME asks.
    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }

    /// RFC 5322's date, in UTC: `Mon, 30 Nov 2026 03:11:08 +0000`.
    static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
