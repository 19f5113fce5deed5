import ArgumentParser
import Config
import Foundation

/// Where job definitions come from when they come from git: `--repo`, `--ref`,
/// `--path`, `--cache-dir`, `--ssh-key`.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: "Read the definitions from this git repository (URL or local path).")
    var repository: String?

    @Option(help: "Branch, tag or commit id to read, with --repo.")
    var ref = "main"

    @Option(help: "Folder inside the repository that holds the definitions, with --repo.")
    var path = JobFileFinder.defaultFolder

    @Option(help: "Where fetched repositories are kept between runs.")
    var cacheDir = GitDefinitions.defaultCacheDirectory

    @Option(
        help: ArgumentHelp(
            "Private key for an ssh:// or git@host:path --repo (passphrase in CRONICLE_GIT_SSH_PASSPHRASE).",
            discussion: "Without it, the SSH agent's keys (SSH_AUTH_SOCK) are offered.", valueName: "file"))
    var sshKey: String?

    func validate() throws {
        if let problem = GitRemoteAccess(sshKey: sshKey).sshKeyProblem {
            throw ValidationError("--ssh-key: \(problem)")
        }
    }

    /// The repository, with the credentials and known_hosts files of `--ssh-key` and the
    /// environment (`CRONICLE_GIT_*`, `SSH_AUTH_SOCK`).
    var source: GitDefinitions? {
        let access = GitRemoteAccess(environment: ProcessInfo.processInfo.environment, sshKey: sshKey)
        return repository.map {
            GitDefinitions(repository: $0, ref: ref, path: path, cacheDirectory: cacheDir, access: access)
        }
    }
}
