import Config
import Foundation

/// Where `cronicle-sync` reads job definitions: a folder (`--dir`), or a git repository
/// at a ref, read straight from the commit (`--repo --ref --path`), and the name the
/// source was given with `--source`, if any.
public struct DefinitionsFolder: Sendable {
    public enum Place: Sendable {
        case folder(String)
        case git(GitDefinitions)
    }

    public var place: Place
    /// `--source NAME`: names the source instead of its repository and path.
    public var sourceName: String?

    public init(_ place: Place, sourceName: String? = nil) {
        self.place = place
        self.sourceName = sourceName
    }

    public static func folder(_ path: String, sourceName: String? = nil) -> DefinitionsFolder {
        DefinitionsFolder(.folder(path), sourceName: sourceName)
    }

    public static func git(_ repository: GitDefinitions, sourceName: String? = nil) -> DefinitionsFolder {
        DefinitionsFolder(.git(repository), sourceName: sourceName)
    }

    /// What a log line or a message calls the place, with no credentials in it.
    public var description: String {
        switch place {
        case .folder(let path): path
        case .git(let repository): RepositoryAddress.redacted(repository.repository)
        }
    }

    /// The definition files, and what the sync records about where they came from and
    /// whose jobs they are (DESIGN 12): a folder in a git work tree is its `origin`
    /// remote (or the work tree's path, without one) and the folder's path in it, at
    /// HEAD; a folder elsewhere must be named with `--source`.
    public func read() throws(DefinitionReadError) -> (files: [DefinitionFile], source: SyncSource) {
        switch place {
        case .folder(let path):
            let files = try JobFileFinder.files(in: [path])
            if let tree = try WorkTree.containing(path) {
                let repository = tree.origin ?? tree.root
                return (
                    files,
                    SyncSource(
                        identity: sourceName ?? SyncSource.identity(repository: repository, path: tree.folder),
                        repository: repository, ref: tree.branch, commit: tree.head, path: tree.folder,
                        dirty: tree.dirty)
                )
            }
            guard let sourceName else {
                throw DefinitionReadError(
                    "\(path) is not inside a git work tree, so nothing tells its jobs from another folder's: "
                        + "name them with --source NAME (such as --source ops-jobs), the same on every apply")
            }
            return (files, SyncSource(identity: sourceName, path: path))
        case .git(let repository):
            let (commit, files) = try repository.read()
            let local = Self.localPath(of: repository.repository)
            // A clone on disk is known by where it was cloned from, as `--dir` in it is.
            let address = local.flatMap(WorkTree.origin(ofRepositoryAt:)) ?? local ?? repository.repository
            return (
                files,
                SyncSource(
                    identity: sourceName ?? SyncSource.identity(repository: address, path: repository.path),
                    repository: address, ref: repository.ref, commit: commit,
                    path: SyncSource.normalizedPath(repository.path), legacyRepository: local ?? repository.repository
                )
            )
        }
    }

    /// A repository given as a local path, made absolute (`--repo .` and `--repo /srv/jobs`
    /// are one repository); nil for a URL.
    static func localPath(of repository: String) -> String? {
        guard !repository.contains("://"), FileManager.default.fileExists(atPath: repository) else { return nil }
        return URL(fileURLWithPath: repository).standardizedFileURL.path
    }
}
