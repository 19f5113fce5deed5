import ArgumentParser
import Config
import Foundation

extension ValidationReport.Format: ExpressibleByArgument {}

extension LintRule: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

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

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "Accept a warning rule everywhere (repeatable), such as --ignore dst-affected.",
            discussion: "For one job, write lint: {ignore: [rule]} in it instead.", valueName: "rule"))
    var ignoring: [LintRule] = []

    @Flag(help: "Accept definitions that hold no job and no channel.")
    var allowEmpty = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if repository.repository != nil && !paths.isEmpty {
            throw ValidationError("give folders or --repo, not both")
        }
        if let error = ignoring.first(where: { $0.severity == .error }) {
            throw ValidationError(
                "--ignore \(error.rawValue): that rule is an error, and errors cannot be ignored; warnings can: "
                    + LintRule.ignorableList)
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
        if report.jobCount == 0 && report.channelCount == 0 && report.windows.isEmpty && !allowEmpty {
            let place = repository.repository.map { _ in repository.path } ?? paths.joined(separator: ", ")
            Terminal.error(
                DefinitionReadError(
                    "\(place.isEmpty ? JobFileFinder.defaultFolder : place) holds no job, channel or window: an apply of "
                        + "it would be refused (it would delete every job); add definitions, or pass --allow-empty "
                        + "if it is meant to be empty"))
            throw ExitCode(1)
        }
        let status = report.exitStatus(strict: strict)
        if status != 0 { throw ExitCode(status) }
    }

    private func load() throws(DefinitionReadError) -> ValidationReport {
        if let source = repository.source {
            let (commit, files) = try source.read()
            return JobValidator(ignoring: Set(ignoring)).validate(files, commit: commit)
        }
        return JobValidator(ignoring: Set(ignoring)).validate(
            try JobFileFinder.files(in: paths.isEmpty ? [JobFileFinder.defaultFolder] : paths))
    }
}
