import Config
import Foundation

/// Where a sync's job definitions come from: a git repository at a ref and commit, or a
/// plain folder (no repository, no commit).
public struct SyncSource: Sendable, Hashable, Codable {
    /// The repository as given to `--repo`; nil for a folder.
    public var repository: String?
    public var ref: String?
    public var commit: String?
    /// The folder inside the repository (`--path`), or the folder given to `--dir`.
    public var path: String?

    public init(repository: String? = nil, ref: String? = nil, commit: String? = nil, path: String? = nil) {
        self.repository = repository
        self.ref = ref
        self.commit = commit
        self.path = path
    }

    /// A commit id as people quote it: its first 12 hex digits.
    public static func shortCommit(_ commit: String) -> String {
        String(commit.prefix(12))
    }

    /// `jobs.d at 3f2a1c9d0b4e (main) of git@example.com:ops/jobs.git`, for plans and logs.
    public var summary: String {
        var text = path ?? JobFileFinder.defaultFolder
        if let commit { text += " at \(Self.shortCommit(commit))" }
        if let ref { text += " (\(ref))" }
        if let repository { text += " of \(repository)" }
        return text
    }
}

/// How an apply treats the jobs it finds.
public struct SyncOptions: Sendable, Hashable, Codable {
    /// Delete jobs this source synced before and no longer defines.
    public var prune: Bool
    /// Take over jobs with the same id that the API made (or another source synced).
    public var adopt: Bool
    /// Names one apply, so that sending it again (after an answer lost on the network)
    /// returns the first one's record instead of applying twice.
    public var requestID: String?

    public init(prune: Bool = true, adopt: Bool = false, requestID: String? = nil) {
        self.prune = prune
        self.adopt = adopt
        self.requestID = requestID
    }
}
