import Foundation

/// The bytes of one job-definition file and the path diagnostics call it by: as the
/// user typed it for folders (`jobs.d/backup.yaml`), or the path inside a repository.
public struct DefinitionFile: Sendable, Hashable {
    public let path: String
    public let contents: Data
    /// Why the file was not read, when the finder refused to (a symbolic link that
    /// leaves the folder, or that loops): validation reports it as this error, and the
    /// contents are empty.
    public let refusal: Diagnostic?

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
        self.refusal = nil
    }

    /// A file the finder would not read, with the error that says why, at its first line.
    public init(path: String, refusedBy rule: LintRule, message: String) {
        self.path = path
        self.contents = Data()
        self.refusal = Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), rule: rule, message: message)
    }

    /// Whether a file name is a job-definition file: `*.yaml` or `*.yml` in any case
    /// (`BACKUP.YML` too, as editors on case-insensitive systems save it), not hidden.
    public static func isDefinitionFile(name: String) -> Bool {
        guard !name.hasPrefix(".") else { return false }
        let ending = name.suffix(5).lowercased()
        return ending.hasSuffix(".yaml") || ending.hasSuffix(".yml")
    }
}
