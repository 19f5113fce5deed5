import Config
import Foundation

/// Where a sync's job definitions come from, and whose jobs they are.
///
/// The ``identity`` decides which jobs a sync owns (DESIGN 12): two sources with
/// different identities never update or prune each other's jobs. It is
/// `REPOSITORY#PATH` for definitions from git (`--repo`, or `--dir` inside a work tree,
/// named by its `origin` remote), with the repository's address stripped of any password
/// or token, or the name given with `--source` (which can hold no `#`).
public struct SyncSource: Sendable, Hashable, Codable {
    /// Whose jobs these are.
    public var identity: String
    /// The repository without credentials; nil for a named folder.
    public var repository: String?
    public var ref: String?
    public var commit: String?
    /// The folder inside the repository (`--path`, or `--dir` relative to its work
    /// tree), or the folder given to `--dir`.
    public var path: String?
    /// Whether the work tree had changes under ``path`` that ``commit`` does not hold.
    public var dirty: Bool
    /// The repository as cronicle-sync recorded it before sources had identities (nil for
    /// any folder): jobs recorded that way and not claimed since belong to the source
    /// whose value this is, so the first apply after an upgrade is no conflict.
    public var legacyRepository: String?

    public init(
        identity: String? = nil, repository: String? = nil, ref: String? = nil, commit: String? = nil,
        path: String? = nil, dirty: Bool = false, legacyRepository: String? = nil
    ) {
        self.identity =
            identity ?? Self.identity(repository: repository, path: path) ?? path ?? JobFileFinder.defaultFolder
        self.repository = repository.map(RepositoryAddress.redacted)
        self.ref = ref
        self.commit = commit
        self.path = path
        self.dirty = dirty
        self.legacyRepository = legacyRepository.map(RepositoryAddress.redacted)
    }

    /// `REPOSITORY#PATH` for a repository (``RepositoryAddress/identity(_:)``), nil without one.
    public static func identity(repository: String?, path: String?) -> String? {
        guard let repository else { return nil }
        return RepositoryAddress.identity(repository) + "#" + normalizedPath(path ?? JobFileFinder.defaultFolder)
    }

    /// `./jobs.d/` and `jobs.d` are one folder; the root is `.`.
    public static func normalizedPath(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Why `name` cannot name a source (`--source`), or nil when it can.
    public static func problem(withName name: String) -> String? {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-/@"))
        if name.isEmpty || name.count > 100 { return "a source name has 1 to 100 characters" }
        if name.unicodeScalars.contains(where: { !allowed.contains($0) || !$0.isASCII }) {
            return "a source name may hold letters, digits and . _ - / @ only, such as ops-jobs"
        }
        return nil
    }

    /// A commit id as people quote it: its first 12 hex digits.
    public static func shortCommit(_ commit: String) -> String {
        String(commit.prefix(12))
    }

    /// `jobs.d at 3f2a1c9d0b4e (main) of git@example.com:ops/jobs.git`, for plans and logs;
    /// a work tree with changes not committed shows `3f2a1c9d0b4e+changes`.
    public var summary: String {
        var text = path ?? JobFileFinder.defaultFolder
        if let commit { text += " at \(Self.shortCommit(commit))\(dirty ? "+changes" : "")" }
        if commit == nil && dirty { text += " (nothing committed yet)" }
        if let ref { text += " (\(ref))" }
        if let repository {
            text += " of \(repository)"
        } else if identity != path {
            text += " (source \(identity))"
        }
        return text
    }

    enum CodingKeys: String, CodingKey {
        case identity, repository, ref, commit, path, dirty
        case legacyRepository = "legacy_repository"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let repository = try container.decodeIfPresent(String.self, forKey: .repository)
        let path = try container.decodeIfPresent(String.self, forKey: .path)
        guard
            let identity = try container.decodeIfPresent(String.self, forKey: .identity)
                ?? Self.identity(repository: repository, path: path)
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .identity, in: container,
                debugDescription: "the source has no identity: this cronicle-sync is older than the server; "
                    + "upgrade it, or name the folder's source with --source NAME")
        }
        self.init(
            identity: identity, repository: repository, ref: try container.decodeIfPresent(String.self, forKey: .ref),
            commit: try container.decodeIfPresent(String.self, forKey: .commit), path: path,
            dirty: try container.decodeIfPresent(Bool.self, forKey: .dirty) ?? false,
            legacyRepository: try container.decodeIfPresent(String.self, forKey: .legacyRepository))
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
    /// Delete every job of the source, or more than half of them when it has more than ten.
    public var allowMassDelete: Bool
    /// Apply a source that defines no job, channel or window (which deletes all of its jobs).
    public var allowEmpty: Bool

    public init(
        prune: Bool = true, adopt: Bool = false, requestID: String? = nil, allowMassDelete: Bool = false,
        allowEmpty: Bool = false
    ) {
        self.prune = prune
        self.adopt = adopt
        self.requestID = requestID
        self.allowMassDelete = allowMassDelete
        self.allowEmpty = allowEmpty
    }
}
