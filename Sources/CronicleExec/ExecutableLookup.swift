#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the program a command names the way `execvp` and the shells do, so `cronicle exec`
/// can tell "not found" (exit status 127) from "found but not executable" (126) before it
/// starts anything.
///
/// ```swift
/// switch ExecutableLookup.resolve("backup", searchPath: environment["PATH"]) {
/// case .success(let path): ...            // "/usr/local/bin/backup"
/// case .failure(let failure): failure.exitStatus  // 127 or 126
/// }
/// ```
public enum ExecutableLookup {
    /// The file called `name` in the folder of `executable`, an absolute path (as
    /// `/proc/self/exe` gives it, or `realpath` of what ``resolve(_:searchPath:)`` found);
    /// nil for anything else, so that a program never runs a relative name from whatever
    /// folder it was started in. `cronicle` finds `cronicle-server` this way.
    public static func sibling(_ name: String, of executable: String) -> String? {
        guard executable.hasPrefix("/"), let slash = executable.lastIndex(of: "/") else { return nil }
        return String(executable[...slash]) + name
    }

    /// Why a command cannot be run, with the status and message a shell would give.
    public enum Failure: Error, Sendable, Equatable {
        /// Nothing by that name on `PATH`, or no file at that path.
        case notFound(command: String, isPath: Bool)
        /// Something is there but cannot be run: permission, a directory.
        case notExecutable(command: String, reason: String)

        /// 127 when nothing was found, 126 when it could not be run.
        public var exitStatus: Int32 {
            switch self {
            case .notFound: 127
            case .notExecutable: 126
            }
        }

        /// `nosuchcmd: command not found`, `./script: Permission denied`.
        public var message: String {
            switch self {
            case .notFound(let command, isPath: false): "\(command): command not found"
            case .notFound(let command, isPath: true): "\(command): No such file or directory"
            case .notExecutable(let command, let reason): "\(command): \(reason)"
            }
        }
    }

    /// The search path when `PATH` is unset, as glibc's `execvp` uses.
    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    /// The path to run for `command`: itself when it holds a slash, else the first regular,
    /// executable file named so in `searchPath` (an empty entry is the current folder).
    public static func resolve(_ command: String, searchPath: String?) -> Result<String, Failure> {
        guard !command.isEmpty else { return .failure(.notFound(command: command, isPath: false)) }
        if command.contains("/") {
            switch check(command) {
            case .executable: return .success(command)
            case .missing: return .failure(.notFound(command: command, isPath: true))
            case .refused(let reason): return .failure(.notExecutable(command: command, reason: reason))
            }
        }
        var refusal: String?
        for folder in (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = folder.isEmpty ? command : "\(folder)/\(command)"
            switch check(candidate) {
            case .executable: return .success(candidate)
            case .missing: continue
            // execvp goes on looking, and reports EACCES only when nothing else was found.
            case .refused(let reason): refusal = refusal ?? reason
            }
        }
        if let refusal { return .failure(.notExecutable(command: command, reason: refusal)) }
        return .failure(.notFound(command: command, isPath: false))
    }

    private enum Check {
        case executable
        case missing
        case refused(String)
    }

    private static func check(_ path: String) -> Check {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return errno == EACCES ? .refused("Permission denied") : .missing
        }
        if (status.st_mode & S_IFMT) == S_IFDIR { return .refused("Is a directory") }
        guard access(path, X_OK) == 0 else { return .refused("Permission denied") }
        return .executable
    }
}
