import Config
import Foundation

/// Where `cronicle-sync` reads job definitions: a folder (`--dir`), or a git repository
/// at a ref, read straight from the commit (`--repo --ref --path`).
public enum DefinitionSource: Sendable {
    case folder(String)
    case git(GitRepositorySource)

    /// The definition files, and what the sync records about where they came from.
    public func read() throws(JobSourceError) -> (files: [JobSourceFile], source: SyncSource) {
        switch self {
        case .folder(let path):
            return (try JobFileFinder.files(in: [path]), SyncSource(path: path))
        case .git(let repository):
            let (commit, files) = try repository.read()
            return (
                files,
                SyncSource(
                    repository: repository.repository, ref: repository.ref, commit: commit, path: repository.path)
            )
        }
    }
}
