import Foundation

/// An e-mail address as a channel's `to` and `from` write it: `oncall@example.com`, or
/// with a display name, `Cronicle <cronicle@example.com>` (only for `from`).
///
/// Deliberately narrower than RFC 5322: ASCII only, no comments, no quoted local parts,
/// so that what passes can go into an SMTP command and a header as written.
public struct EmailAddress: Sendable, Hashable {
    /// The address alone, for `MAIL FROM:<...>` and `RCPT TO:<...>`.
    public let address: String
    public let displayName: String?

    /// What is wrong with `text` as an address, or the address.
    public static func parse(_ text: String, allowingName: Bool) -> Result<EmailAddress, Problem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if allowingName, trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            if let problem = problem(inAddress: inner) { return .failure(problem) }
            if name.unicodeScalars.contains(where: { $0.value < 32 || $0 == "<" || $0 == ">" || $0 == "\"" }) {
                return .failure(Problem("the name before <\(inner)> may not hold <, >, quotes or control characters"))
            }
            return .success(EmailAddress(address: inner, displayName: name.isEmpty ? nil : name))
        }
        if let problem = problem(inAddress: trimmed) { return .failure(problem) }
        return .success(EmailAddress(address: trimmed, displayName: nil))
    }

    /// Why an address is refused, in words.
    public struct Problem: Error, Sendable, Hashable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    private static func problem(inAddress text: String) -> Problem? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return Problem("'\(UntrustedText.excerpt(text))' is not an address such as oncall@example.com")
        }
        let forbidden = Set("()<>[],;:\\\"@ ".unicodeScalars)
        if let bad = text.unicodeScalars.first(where: { !$0.isASCII || $0.value < 33 || $0.value == 127 })
            ?? parts[0].unicodeScalars.first(where: forbidden.contains)
        {
            return Problem(
                "'\(UntrustedText.excerpt(text))' holds '\(UntrustedText.escaped(String(bad)))', which an address "
                    + "may not; write a plain address such as oncall@example.com")
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        let validLabel: (Substring) -> Bool = { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
        }
        guard labels.allSatisfy(validLabel) else {
            return Problem(
                "'\(UntrustedText.excerpt(text))' has no valid domain after @; write one such as example.com")
        }
        return nil
    }
}
