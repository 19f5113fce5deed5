import Foundation

/// The bytes of one job-definition file and the path diagnostics call it by: as the
/// user typed it for folders (`jobs.d/backup.yaml`), or the path inside a repository.
public struct JobSourceFile: Sendable, Hashable {
    public let path: String
    public let contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }

    /// Whether a file name is a job-definition file: `*.yaml` or `*.yml`, not hidden.
    public static func isDefinitionFile(name: String) -> Bool {
        !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }
}
