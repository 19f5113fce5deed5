/// Why a cron expression was rejected, and where.
///
/// The message reads after the field name, so both of these work:
///
/// ```
/// error: minute: value 61 is out of range 0-59 (column 1)     // description
/// backup.yaml:3:12: error: minute value 61 is out of range 0-59 [cron-syntax]
/// ```
public struct CronParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, for callers that react differently to each.
    public enum Kind: Sendable, Hashable {
        /// The text is not a cron expression (wrong field count, bad token, out of range...).
        case syntax
        /// The expression is well formed, but no instant can ever match it (`0 0 30 2 *`).
        case neverFires
    }

    public let kind: Kind
    /// The field at fault, or nil when the expression as a whole is (field count, macro).
    public let field: CronField?
    /// What is wrong, in words a person can act on: `value 61 is out of range 0-59`.
    public let message: String
    /// The 1-based column, in characters, of the offending text in the expression.
    public let column: Int
    /// The offending text itself.
    public let text: String

    public init(kind: Kind = .syntax, field: CronField?, message: String, column: Int, text: String) {
        self.kind = kind
        self.field = field
        self.message = message
        self.column = column
        self.text = text
    }

    /// `minute`, `day-of-week`, ... or `expression` when no single field is at fault.
    public var fieldName: String { field?.name ?? "expression" }

    public var description: String { "\(fieldName): \(message) (column \(column))" }
}
