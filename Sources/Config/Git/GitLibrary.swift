import CLibGit2

/// The process-wide libgit2 runtime.
///
/// libgit2 keeps global state that `git_libgit2_init` creates and
/// `git_libgit2_shutdown` tears down; the calls are reference counted, so each
/// piece of code that touches libgit2 holds its own ``GitLibrary`` for as long as
/// it needs it:
///
/// ```swift
/// let git = GitLibrary()
/// print(git.version)   // "1.5.1"
/// ```
public final class GitLibrary: Sendable {
    /// Initialises libgit2 and turns off its owner check, so a cache folder made by
    /// another user (a CI runner, a service account) can still be read.
    public init() {
        git_libgit2_init()
        _ = cronicle_git_set_owner_validation(0)
    }

    deinit {
        git_libgit2_shutdown()
    }

    /// What libgit2 said of the call that just failed on this thread.
    static var lastErrorMessage: String {
        git_error_last().map { String(cString: $0.pointee.message) } ?? "unknown libgit2 error"
    }

    /// The version of the linked libgit2, such as `1.5.1`.
    public var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
