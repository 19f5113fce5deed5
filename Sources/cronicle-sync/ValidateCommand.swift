import ArgumentParser
import Config
import Foundation

extension ValidationReport.Format: ExpressibleByArgument {}

/// `cronicle-sync validate`: lint job definitions, from folders or from a git commit.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Lint job definitions.",
        discussion: """
            Exit status: 0 when clean, 1 on errors (and on warnings with --strict), 2 on usage errors.
            """)

    @Argument(help: "Files or folders of job definitions. Default: \(JobFileFinder.defaultFolder)")
    var paths: [String] = []

    @Option(help: "Output format: text, json or github (workflow annotations).")
    var format = ValidationReport.Format.text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if repository.repository != nil && !paths.isEmpty {
            throw ValidationError("give folders or --repo, not both")
        }
    }

    func run() throws {
        let report: ValidationReport
        do {
            report = try load()
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        Terminal.print(report.formatted(format, colored: format == .text && Terminal.colored))
        let status = report.exitStatus(strict: strict)
        if status != 0 { throw ExitCode(status) }
    }

    private func load() throws(DefinitionReadError) -> ValidationReport {
        if let source = repository.source {
            let (commit, files) = try source.read()
            return JobValidator().validate(files, commit: commit)
        }
        return JobValidator().validate(
            try JobFileFinder.files(in: paths.isEmpty ? [JobFileFinder.defaultFolder] : paths))
    }
}
