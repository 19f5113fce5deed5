import Config
import Foundation

/// Where `cronicle-sync` reads job definitions: a folder (`--dir`), or a git repository
/// at a ref, read straight from the commit (`--repo --ref --path`).
public enum DefinitionsFolder: Sendable {
    case folder(String)
    case git(GitDefinitions)

    /// The definition files, and what the sync records about where they came from.
    public func read() throws(DefinitionReadError) -> (files: [DefinitionFile], source: SyncSource) {
        switch self {
        case .folder(let path):
            return (try JobFileFinder.files(in: [path]), SyncSource(path: path))
        case .git(let repository):
            let (commit, files) = try repository.read()
            return (
                files,
                SyncSource(
                    repository: Self.identity(of: repository.repository), ref: repository.ref, commit: commit,
                    path: repository.path)
            )
        }
    }

    /// The repository as sync records it, which decides the jobs it owns: a local path
    /// becomes absolute, so `--repo .` and `--repo /srv/jobs` are one repository; a URL
    /// stays as written.
    static func identity(of repository: String) -> String {
        guard !repository.contains("://"), FileManager.default.fileExists(atPath: repository) else { return repository }
        return URL(fileURLWithPath: repository).standardizedFileURL.path
    }
}
