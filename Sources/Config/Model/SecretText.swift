import Foundation

/// A channel setting that may hold secrets by reference: `${env:NAME}` (an environment
/// variable of the monitor's process) or `${file:/path}` (a file's contents, without a
/// final newline). Kept as written: references are resolved by the monitor at delivery
/// time and never stored resolved.
///
/// ```swift
/// let url = SecretText("https://hooks.slack.com/services/${env:SLACK_PATH}")
/// url.references  // [.environment("SLACK_PATH")]
/// ```
public struct SecretText: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as written, references and all.
    public let written: String

    public init(_ written: String) {
        self.written = written
    }

    public init(from decoder: any Decoder) throws {
        written = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(written)
    }

    /// The text as written: references are not secrets, and what they name never appears.
    public var description: String { written }

    /// Where a secret comes from.
    public enum Reference: Sendable, Hashable, CustomStringConvertible {
        case environment(String)
        case file(String)

        public var description: String {
            switch self {
            case .environment(let name): "${env:\(name)}"
            case .file(let path): "${file:\(path)}"
            }
        }
    }

    /// One piece of the text: literal, or a reference.
    enum Part: Hashable {
        case literal(String)
        case reference(Reference)
    }

    /// Why a `${...}` is not a reference this monitor can resolve.
    public struct Problem: Error, Sendable, Hashable {
        public let message: String
        /// Characters from the start of the text to the `${` at fault.
        public let offset: Int
    }

    /// The text in literal parts and references, or the first malformed `${...}`.
    func parts() -> Result<[Part], Problem> {
        var parts: [Part] = []
        var rest = Substring(written)
        while let open = rest.range(of: "${") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            let offset = written.distance(from: written.startIndex, to: open.lowerBound)
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                return .failure(Problem(message: "'${' is not closed by '}'", offset: offset))
            }
            let inside = rest[open.upperBound..<close]
            if inside.hasPrefix("env:") {
                let name = inside.dropFirst(4)
                guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                    name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
                else {
                    return .failure(
                        Problem(
                            message: "'${\(inside)}' does not name an environment variable; write ${env:NAME} with "
                                + "letters, digits and _",
                            offset: offset))
                }
                parts.append(.reference(.environment(String(name))))
            } else if inside.hasPrefix("file:") {
                let path = inside.dropFirst(5)
                guard path.hasPrefix("/") else {
                    return .failure(
                        Problem(
                            message: "'${\(inside)}' must name an absolute path, as in ${file:/run/secrets/slack_url}",
                            offset: offset))
                }
                parts.append(.reference(.file(String(path))))
            } else {
                return .failure(
                    Problem(
                        message: "'${\(inside)}' is not a secret reference; write ${env:NAME} or ${file:/path}",
                        offset: offset))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return .success(parts)
    }

    /// The references in the text; none when it is malformed.
    public var references: [Reference] {
        guard case .success(let parts) = parts() else { return [] }
        return parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    /// Whether the whole text is literal: no reference at all.
    public var isLiteral: Bool { !written.contains("${") }

    /// The text with every reference replaced by what it names, read now; `lookup`
    /// answers each reference or throws the error to report (a variable that is not
    /// set, a file that cannot be read).
    public func resolved(_ lookup: (Reference) throws -> String) throws -> String {
        switch parts() {
        case .failure(let problem): throw problem
        case .success(let parts):
            return try parts.map { part in
                switch part {
                case .literal(let text): text
                case .reference(let reference): try lookup(reference)
                }
            }.joined()
        }
    }
}
