/// Where something is written: a file as the user named it (or a path inside a
/// repository), and a 1-based line and column in characters.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `jobs.d/backup.yaml:3:12`
    public var description: String { "\(file):\(line):\(column)" }
}
