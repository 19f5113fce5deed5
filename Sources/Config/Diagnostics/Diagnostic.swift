/// One problem found in a job definition, where it is, and which rule found it.
///
/// Printed the way compilers do: `jobs.d/backup.yaml:3:12: error: minute value 61 is out of range 0-59 [cron-syntax]`.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var rule: LintRule
    public var message: String

    public init(at location: SourceLocation, rule: LintRule, message: String) {
        self.file = location.file
        self.line = location.line
        self.column = location.column
        self.severity = rule.severity
        self.rule = rule
        self.message = message
    }

    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// One line, whatever the file name and message hold: their control characters are
    /// escaped (see ``UntrustedText``), since a diagnostic may also have been decoded from
    /// a server's answer rather than built here.
    public var description: String {
        "\(UntrustedText.escaped(file)):\(line):\(column): \(severity.rawValue): \(UntrustedText.escaped(message)) "
            + "[\(rule.rawValue)]"
    }
}
