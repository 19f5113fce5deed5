import ArgumentParser
import Config

/// Where job definitions come from when they come from git: `--repo`, `--ref`,
/// `--path`, `--cache-dir`.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: "Read the definitions from this git repository (URL or local path).")
    var repository: String?

    @Option(help: "Branch, tag or commit id to read, with --repo.")
    var ref = "main"

    @Option(help: "Folder inside the repository that holds the definitions, with --repo.")
    var path = JobFileFinder.defaultFolder

    @Option(help: "Where fetched repositories are kept between runs.")
    var cacheDir = GitDefinitions.defaultCacheDirectory

    var source: GitDefinitions? {
        repository.map { GitDefinitions(repository: $0, ref: ref, path: path, cacheDirectory: cacheDir) }
    }
}
