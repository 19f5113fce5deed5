import CLibGit2
import Foundation

/// The git work tree a folder of definitions lives in, as `cronicle-sync --dir` sees it:
/// where its root is, the `origin` remote it was cloned from, its HEAD, and whether the
/// folder has changes not committed yet.
///
/// ```swift
/// if let tree = try WorkTree.containing("jobs.d") {
///     print(tree.origin ?? tree.root, tree.folder, tree.head ?? "no commit", tree.dirty)
/// }
/// ```
public struct WorkTree: Sendable, Hashable {
    /// The work tree's top folder, absolute.
    public var root: String
    /// The folder asked about, relative to ``root`` (`jobs.d`, or `.` for the root).
    public var folder: String
    /// The `origin` remote's URL as configured (it may hold credentials: see ``RepositoryAddress``).
    public var origin: String?
    /// The commit HEAD points at; nil in a repository with no commit yet.
    public var head: String?
    /// The branch checked out, nil for a detached HEAD.
    public var branch: String?
    /// Whether files under ``folder`` differ from HEAD (changed, added, deleted or untracked).
    public var dirty: Bool

    /// The work tree that holds `path`, or nil when `path` is in none (or in a bare repository).
    public static func containing(_ path: String) throws(DefinitionReadError) -> WorkTree? {
        let git = GitLibrary()
        defer { withExtendedLifetime(git) {} }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, absolute, 0, nil) == 0, let repository else { return nil }
        defer { git_repository_free(repository) }
        guard let workdir = git_repository_workdir(repository) else { return nil }
        let root = URL(fileURLWithPath: String(cString: workdir)).standardizedFileURL.resolvingSymlinksInPath().path
        var folder = "."
        if absolute != root {
            guard absolute.hasPrefix(root + "/") else { return nil }
            folder = String(absolute.dropFirst(root.count + 1))
        }

        let origin = Self.origin(of: repository)

        var head: String?
        var oid = git_oid()
        if git_reference_name_to_id(&oid, repository, "HEAD") == 0 {
            head = String(cString: git_oid_tostr_s(&oid))
        }
        var branch: String?
        var reference: OpaquePointer?
        if git_repository_head_detached(repository) == 0, git_repository_head(&reference, repository) == 0,
            let reference
        {
            branch = git_reference_shorthand(reference).map { String(cString: $0) }
            git_reference_free(reference)
        }
        return WorkTree(
            root: root, folder: folder, origin: origin, head: head, branch: branch,
            dirty: try hasChanges(repository, under: folder))
    }

    /// The `origin` remote's URL of the repository (bare or not) at `path`, if it has one.
    public static func origin(ofRepositoryAt path: String) -> String? {
        let git = GitLibrary()
        defer { withExtendedLifetime(git) {} }
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) == 0,
            let repository
        else { return nil }
        defer { git_repository_free(repository) }
        return origin(of: repository)
    }

    /// The `origin` remote's URL of an open repository, if it has one.
    private static func origin(of repository: OpaquePointer) -> String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, repository, "origin") == 0, let remote else { return nil }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    /// Whether `git status` would list anything under `folder`.
    private static func hasChanges(_ repository: OpaquePointer, under folder: String) throws(DefinitionReadError)
        -> Bool
    {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags =
            GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        let pattern = strdup(folder == "." ? "*" : folder + "/")
        defer { free(pattern) }
        var patterns: [UnsafeMutablePointer<CChar>?] = [pattern]
        var list: OpaquePointer?
        let status = patterns.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
            return git_status_list_new(&list, repository, &options)
        }
        guard status == 0, let list else {
            throw DefinitionReadError("cannot read the status of the work tree: \(GitLibrary.lastErrorMessage)")
        }
        defer { git_status_list_free(list) }
        return git_status_list_entrycount(list) > 0
    }
}
