import Foundation

/// Finds job-definition files in folders on disk.
///
/// Symbolic links are followed only where they stay inside the folder being read: a
/// folder of definitions comes from a pull request, and a link such as
/// `x.yaml -> /proc/self/environ` would otherwise have the linter read, and quote, a
/// file its author cannot see.
public enum JobFileFinder {
    /// Where definitions are read when no folder or path is given.
    public static let defaultFolder = "jobs.d"

    /// The `*.yaml` and `*.yml` files under each path, recursively, skipping hidden
    /// files and folders; a path that names a file is taken as it is. Folders are
    /// listed in a stable order (by path), and paths keep the spelling the caller
    /// gave: `jobs.d` gives `jobs.d/backup.yaml`, `./jobs.d/` gives `./jobs.d/backup.yaml`.
    ///
    /// Inside a folder, a link to a file in it is read like the file; a link to a
    /// folder in it is not followed, since that folder is read anyway. A link that
    /// resolves outside the folder, or leads back to a folder that holds it, comes
    /// back as a file refused with an error (``DefinitionFile/refusal``), never read.
    public static func files(in paths: [String]) throws(DefinitionReadError) -> [DefinitionFile] {
        var files: [DefinitionFile] = []
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw DefinitionReadError("\(path): no such file or folder")
            }
            guard isFolder.boolValue else {
                files.append(DefinitionFile(path: path, contents: try read(path)))
                continue
            }
            guard let realRoot = realPath(path) else { throw DefinitionReadError("\(path): cannot be read") }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            var walk = FolderWalk(root: path, realRoot: realRoot)
            walk.collect(relative: "", realFolder: realRoot, ancestors: [realRoot])
            let found = walk.found.sorted { Array($0.relative.utf8).lexicographicallyPrecedes(Array($1.relative.utf8)) }
            var read = try readAll(found.filter { $0.refusal == nil }.map { prefix + $0.relative }).makeIterator()
            for entry in found {
                if let refusal = entry.refusal {
                    files.append(
                        DefinitionFile(path: prefix + entry.relative, refusedBy: refusal.rule, message: refusal.message)
                    )
                } else if let file = read.next() {
                    files.append(file)
                }
            }
        }
        return files
    }

    /// One folder's walk: the definition files found, and the links refused, by their
    /// path relative to the folder.
    private struct FolderWalk {
        struct Found {
            var relative: String
            var refusal: (rule: LintRule, message: String)?
        }

        /// The folder as the caller spelled it, and with every link in it resolved.
        let root: String
        let realRoot: String
        var found: [Found] = []

        /// `ancestors` are the resolved paths of the folders from the root down to this one.
        mutating func collect(relative: String, realFolder: String, ancestors: Set<String>) {
            let base = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
            for name in names where !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                let path = root + "/" + child
                guard var kind = JobFileFinder.kind(of: path, following: false) else { continue }
                var realChild = JobFileFinder.join(realFolder, name)
                if kind == .link {
                    guard let resolved = JobFileFinder.realPath(path) else {
                        if errno == ELOOP {
                            refuse(child, .linkLoop, "a symbolic link that never resolves: it leads back to itself")
                        }
                        continue  // a dangling link names nothing to read
                    }
                    guard let resolvedKind = JobFileFinder.kind(of: resolved, following: true) else { continue }
                    kind = resolvedKind
                    realChild = resolved
                    if !isInside(resolved) {
                        if kind == .folder || DefinitionFile.isDefinitionFile(name: name) {
                            refuse(
                                child, .linkOutsideFolder,
                                "a symbolic link to '\(target(of: path))', which is outside "
                                    + "\(UntrustedText.escaped(root)); links that leave the folder are not "
                                    + "followed: copy the file into the folder, or point the link inside it")
                        }
                        continue
                    }
                    if kind == .folder {
                        if ancestors.contains(resolved) {
                            refuse(
                                child, .linkLoop,
                                "a symbolic link to '\(target(of: path))', a folder that holds it: following "
                                    + "it would never end; remove the link")
                        }
                        // Any other folder inside is read anyway, through its own path.
                        continue
                    }
                }
                switch kind {
                case .folder:
                    collect(relative: child, realFolder: realChild, ancestors: ancestors.union([realChild]))
                case .file where DefinitionFile.isDefinitionFile(name: name):
                    found.append(Found(relative: child))
                default:
                    // Sockets, pipes and devices: reading one could block or never end.
                    continue
                }
            }
        }

        private mutating func refuse(_ relative: String, _ rule: LintRule, _ message: String) {
            found.append(Found(relative: relative, refusal: (rule, message)))
        }

        private func isInside(_ resolved: String) -> Bool {
            realRoot == "/" || resolved == realRoot || resolved.hasPrefix(realRoot + "/")
        }

        /// What the link says, as written in it: the author's text, so quoted as an excerpt.
        private func target(of link: String) -> String {
            UntrustedText.excerpt((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) ?? "?")
        }
    }

    private enum Kind {
        case file, folder, link, other
    }

    /// What is at `path`, without reading it; nil when nothing is.
    private static func kind(of path: String, following: Bool) -> Kind? {
        var info = stat()
        guard (following ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK: return .link
        default: return .other
        }
    }

    /// `path` with every symbolic link in it resolved, or nil (with `errno` set) when it
    /// cannot be.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Reads files on every core: 20,000 small files take a tenth of a second one by one.
    private static func readAll(_ paths: [String]) throws(DefinitionReadError) -> [DefinitionFile] {
        let contents = ResultSlots<Data?>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            contents.store(FileManager.default.contents(atPath: paths[index]), at: index)
        }
        var files: [DefinitionFile] = []
        files.reserveCapacity(paths.count)
        for (path, data) in zip(paths, contents.values) {
            guard let data else { throw DefinitionReadError("\(path): cannot be read") }
            files.append(DefinitionFile(path: path, contents: data))
        }
        return files
    }

    private static func read(_ path: String) throws(DefinitionReadError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DefinitionReadError("\(path): cannot be read")
        }
        return data
    }
}
