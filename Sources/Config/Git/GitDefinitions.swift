import CLibGit2
import Foundation

/// Job definitions read straight from a commit of a git repository, through libgit2,
/// with no working tree.
///
/// The repository is fetched into a bare cache repository (one per URL under
/// ``cacheDirectory``) on every read, so later reads only transfer what is new.
/// Local paths and `file://` URLs work everywhere; `https://`, `ssh://` and scp-like
/// `git@host:path` go through libgit2's own transports, signing in and checking SSH
/// host keys as ``access`` says.
///
/// ```swift
/// let source = GitDefinitions(repository: "https://github.com/acme/jobs.git", ref: "main", path: "jobs.d")
/// let (commit, files) = try source.read()
/// ```
///
/// No error message holds a password or token: user information in ``repository`` and
/// ``GitRemoteAccess/password`` are scrubbed from every message, and libgit2 (so also
/// the cache repository's config) never sees the URL's.
public struct GitDefinitions: Sendable {
    /// A URL (`https://...`, `ssh://...`, `file://...`, `git@host:path`) or a local path.
    public var repository: String
    /// A branch, a tag, or a commit id (full or abbreviated).
    public var ref: String
    /// The folder inside the repository that holds the definitions; `.` for the root.
    public var path: String
    public var cacheDirectory: String
    /// Credentials and `known_hosts` for remote repositories.
    public var access: GitRemoteAccess

    /// `$XDG_CACHE_HOME/cronicle/repositories`, or `~/.cache/cronicle/repositories`.
    public static var defaultCacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        return (base as NSString).appendingPathComponent("cronicle/repositories")
    }

    public init(
        repository: String, ref: String, path: String = JobFileFinder.defaultFolder,
        cacheDirectory: String = Self.defaultCacheDirectory, access: GitRemoteAccess = GitRemoteAccess()
    ) {
        self.repository = repository
        self.ref = ref
        self.path = path
        self.cacheDirectory = cacheDirectory
        self.access = access
    }

    /// Fetches, resolves ``ref`` and reads every `*.yaml`/`*.yml` file under ``path`` of
    /// that commit. Paths in the result are repository paths (`jobs.d/backup.yaml`).
    public func read() throws(DefinitionReadError) -> (commit: String, files: [DefinitionFile]) {
        let git = GitLibrary()
        let repository = try fetchIntoCache(git)
        defer { git_repository_free(repository) }
        let commit = try resolve(in: repository)
        defer { git_commit_free(commit) }
        let commitID = String(cString: git_oid_tostr_s(git_commit_id(commit)))
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, commit) == 0, let tree else {
            throw failure("cannot read the tree of \(commitID)")
        }
        defer { git_tree_free(tree) }

        let folder = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        var files: [DefinitionFile] = []
        if folder.isEmpty || folder == "." {
            try collect(tree: tree, prefix: "", repository: repository, into: &files)
        } else {
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, folder) == 0, let entry else {
                throw DefinitionReadError("path '\(folder)' does not exist in \(ref) (commit \(commitID.prefix(12)))")
            }
            defer { git_tree_entry_free(entry) }
            if git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
                files.append(DefinitionFile(path: folder, contents: try blob(git_tree_entry_id(entry), in: repository)))
            } else {
                var subtree: OpaquePointer?
                guard git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)) == 0, let subtree else {
                    throw failure("cannot read '\(folder)'")
                }
                defer { git_tree_free(subtree) }
                try collect(tree: subtree, prefix: folder + "/", repository: repository, into: &files)
            }
        }
        return (commitID, files)
    }

    // MARK: - Cache

    /// The cache folder for this repository: its name, and a hash of the whole URL
    /// (without credentials, so a new token keeps the cache) so two repositories of the
    /// same name never share one.
    var cachePath: String {
        let url = remoteURL
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let name = (url as NSString).lastPathComponent.replacingOccurrences(of: ".git", with: "")
        let safeName = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return (cacheDirectory as NSString).appendingPathComponent("\(safeName)-\(String(hash, radix: 16))")
    }

    /// Local paths become absolute, so the cache does not depend on the current folder.
    /// URLs and scp-like addresses stay as written.
    var normalizedURL: String {
        let remote = GitRemoteURL(repository)
        if remote.scheme != nil || remote.isSCPLike { return repository }
        let absolute =
            repository.hasPrefix("/")
            ? repository : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(repository)
        return (absolute as NSString).standardizingPath
    }

    /// What libgit2 is given and the cache records: ``normalizedURL`` with no password
    /// or token (``GitRemoteURL/withoutCredentials``).
    var remoteURL: String { GitRemoteURL(normalizedURL).withoutCredentials }

    private func fetchIntoCache(_ git: GitLibrary) throws(DefinitionReadError) -> OpaquePointer {
        let remoteAddress = GitRemoteURL(normalizedURL)
        let url = remoteURL
        if remoteAddress.kind == .local && remoteAddress.scheme == nil && !FileManager.default.fileExists(atPath: url) {
            throw error("repository '\(repository)' does not exist")
        }
        if remoteAddress.kind == .ssh, let problem = access.sshKeyProblem { throw error(problem) }
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw self.error("cannot create the cache folder \(cacheDirectory): \(error.localizedDescription)")
        }
        var repository: OpaquePointer?
        if git_repository_open_bare(&repository, cachePath) != 0 {
            guard git_repository_init(&repository, cachePath, 1) == 0 else {
                throw failure("cannot create a cache repository at \(cachePath)")
            }
        }
        guard let repository else { throw failure("cannot open \(cachePath)") }
        var remote: OpaquePointer?
        if git_remote_lookup(&remote, repository, "origin") == 0 {
            // A cache made by an older version may record a URL with a token in it.
            if let recorded = git_remote_url(remote), String(cString: recorded) != url {
                git_remote_free(remote)
                remote = nil
                guard git_remote_set_url(repository, "origin", url) == 0,
                    git_remote_lookup(&remote, repository, "origin") == 0
                else {
                    git_repository_free(repository)
                    throw failure("cannot use '\(self.repository)' as a remote")
                }
            }
        } else {
            guard git_remote_create(&remote, repository, "origin", url) == 0 else {
                git_repository_free(repository)
                throw failure("cannot use '\(self.repository)' as a remote")
            }
        }
        defer { git_remote_free(remote) }

        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        let session = GitFetchSession(remote: remoteAddress, access: access)
        session.install(on: &options.callbacks)
        let refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
        var cStrings = refspecs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let status = withExtendedLifetime(session) {
            cStrings.withUnsafeMutableBufferPointer { buffer in
                var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                return git_remote_fetch(remote, &array, &options, "cronicle-sync fetch")
            }
        }
        guard status == 0 else {
            git_repository_free(repository)
            if let refusal = session.refusal { throw error("cannot fetch '\(self.repository)': \(refusal)") }
            var hint = ""
            if let key = access.sshKey, remoteAddress.kind == .ssh, access.sshKeyPassphrase == nil,
                SSHPrivateKeyFile.isPassphraseProtected(atPath: key)
            {
                hint = " (the key \(key) is protected by a passphrase: set CRONICLE_GIT_SSH_PASSPHRASE)"
            }
            throw failure("cannot fetch '\(self.repository)'", hint: hint)
        }
        return repository
    }

    // MARK: - Refs and trees

    private func resolve(in repository: OpaquePointer) throws(DefinitionReadError) -> OpaquePointer {
        var candidates = ["refs/remotes/origin/\(ref)", "refs/tags/\(ref)"]
        if ref.hasPrefix("refs/heads/") { candidates.insert("refs/remotes/origin/" + ref.dropFirst(11), at: 0) }
        candidates.append(ref)
        for candidate in candidates {
            var object: OpaquePointer?
            guard git_revparse_single(&object, repository, candidate) == 0 else { continue }
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            if git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit { return commit }
        }
        throw error("ref '\(ref)' is not a branch, tag or commit of '\(self.repository)'")
    }

    private func collect(
        tree: OpaquePointer, prefix: String, repository: OpaquePointer, into files: inout [DefinitionFile]
    ) throws(DefinitionReadError) {
        var entries: [(name: String, type: git_object_t, id: UnsafePointer<git_oid>)] = []
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            entries.append(
                (String(cString: git_tree_entry_name(entry)), git_tree_entry_type(entry), git_tree_entry_id(entry)))
        }
        // Git orders a tree's entries by name bytes, folders as if they ended in '/'; sort
        // by full path so the order matches a folder on disk.
        entries.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for entry in entries where !entry.name.hasPrefix(".") {
            if entry.type == GIT_OBJECT_TREE {
                var subtree: OpaquePointer?
                guard git_tree_lookup(&subtree, repository, entry.id) == 0, let subtree else { continue }
                defer { git_tree_free(subtree) }
                try collect(tree: subtree, prefix: prefix + entry.name + "/", repository: repository, into: &files)
            } else if entry.type == GIT_OBJECT_BLOB, DefinitionFile.isDefinitionFile(name: entry.name) {
                files.append(DefinitionFile(path: prefix + entry.name, contents: try blob(entry.id, in: repository)))
            }
        }
    }

    private func blob(_ id: UnsafePointer<git_oid>, in repository: OpaquePointer) throws(DefinitionReadError) -> Data {
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, repository, id) == 0, let blob else { throw failure("cannot read a file") }
        defer { git_blob_free(blob) }
        return Data(bytes: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
    }

    /// `what`, libgit2's last error, and `hint`, as one line.
    private func failure(_ what: String, hint: String = "") -> DefinitionReadError {
        let line = GitLibrary.lastErrorMessage.split(whereSeparator: \.isNewline).joined(separator: " ")
        return error("\(what): \(line)\(hint)")
    }

    /// An error whose message holds no password or token: neither the URL's user
    /// information (libraries quote the URL they were given) nor ``GitRemoteAccess/password``.
    private func error(_ message: String) -> DefinitionReadError {
        let address = GitRemoteURL(repository)
        // Over HTTP a user name without a password is often the token itself (`https://TOKEN@host/...`).
        let token = address.kind == .http && address.password == nil ? address.user : nil
        let secrets = [access.password, address.password, token]
        var scrubbed = message
        // Only when the URL holds a secret: `scrub` takes all user information for one, and
        // the login of `ssh://root@host` would go from `/root/.ssh/known_hosts` as well.
        if address.password != nil || (address.kind == .http && address.user != nil) {
            scrubbed = RepositoryAddress.scrub(scrubbed, of: repository)
        }
        // As `scrub` does, shorter ones are left: they would garble the message, and hide little.
        for case let secret? in secrets where secret.count >= 4 {
            scrubbed = scrubbed.replacingOccurrences(of: secret, with: "***")
        }
        return DefinitionReadError(scrubbed)
    }
}
