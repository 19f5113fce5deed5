import ArgumentParser
import Config
import CronicleLogging
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import ServiceLifecycle
import SyncClient
import UnixSignals

/// `cronicle-sync plan`: what an apply would change, like `terraform plan`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compare the job definitions with the monitor and print what apply would change.",
        discussion: """
            Exit status: 0 on success (with --detailed-exitcode: 0 when nothing would change, 2 when \
            something would), 1 on errors in the definitions, conflicts, or a target that fails.
            """)

    @OptionGroup var definitions: DefinitionsFolderOptions
    @OptionGroup var target: SyncTargetOptions
    @OptionGroup var reconcile: ReconcileOptions

    @Option(help: "Output format: text, json, or markdown (a pull-request comment).")
    var format = PlanOutputFormat.text

    @Flag(help: "Exit 2 when there are changes, 0 when there are none.")
    var detailedExitcode = false

    func validate() throws { try target.validateReadOnly() }

    func run() async throws {
        let report = try await Terminal.failing {
            let (files, source) = try definitions.read()
            return try await target.target(writing: false).plan(
                files: files, source: source, options: reconcile.options)
        }
        switch format {
        case .text: Terminal.print(report.formatted(colored: Terminal.colored))
        case .json: Terminal.print(try report.json())
        case .markdown: Terminal.print(report.markdown())
        }
        if report.failed { throw ExitCode(1) }
        if detailedExitcode, report.plan?.hasChanges == true { throw ExitCode(2) }
    }
}

/// `cronicle-sync apply`: validate, then reconcile in one transaction.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate the job definitions, then make the monitor's jobs match them: all or nothing.",
        discussion: "Exit status: 0 when applied, 1 when nothing was changed because of errors or conflicts.")

    @OptionGroup var definitions: DefinitionsFolderOptions
    @OptionGroup var target: SyncTargetOptions
    @OptionGroup var reconcile: ReconcileOptions

    @Option(help: "Output format: text or json.")
    var format = SyncOutputFormat.text

    func run() async throws {
        let report = try await Terminal.failing {
            let (files, source) = try definitions.read()
            return try await target.target(writing: true).apply(
                files: files, source: source, options: reconcile.options)
        }
        Terminal.print(
            format == .json ? try report.json() : report.formatted(applied: !report.failed, colored: Terminal.colored))
        if report.failed { throw ExitCode(1) }
    }
}

/// `cronicle-sync watch`: apply each new commit of the ref, until SIGTERM or SIGINT.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Read the definitions every --interval and apply each new commit; stop on SIGTERM.")

    @OptionGroup var definitions: DefinitionsFolderOptions
    @OptionGroup var target: SyncTargetOptions
    @OptionGroup var reconcile: ReconcileOptions

    @Option(help: "How often to read the source: 60s, 5m, 1h.")
    var interval = "60s"

    @Option(help: "Log level.")
    var logLevel = Logger.Level.info

    func validate() throws { _ = try intervalDuration() }

    /// `--interval` as a duration, or a usage error saying what to write.
    private func intervalDuration() throws -> JobDuration {
        let duration: JobDuration
        if let number = Double(interval.trimmingCharacters(in: .whitespaces)) {
            let written = UntrustedText.excerpt(interval.trimmingCharacters(in: .whitespaces))
            throw ValidationError(
                "--interval \(written) has no unit; write it with one, such as \(written)s for seconds"
                    + (number >= 1 ? " or \(written)m for minutes" : ""))
        }
        do {
            duration = try JobDuration(parsing: interval)
        } catch {
            throw ValidationError("--interval \(UntrustedText.escaped(interval)): \(error.message)")
        }
        guard duration.seconds >= 1 else { throw ValidationError("--interval must be at least 1s") }
        return duration
    }

    func run() async throws {
        let duration = try intervalDuration()
        LoggingSystem.bootstrap { label in LogLineHandler(label: label, level: logLevel) }
        let logger = Logger(label: "cronicle-sync")
        let watcher = SyncWatcher(
            definitions: definitions.folder, target: try await target.target(writing: true), options: reconcile.options,
            interval: .seconds(duration.seconds), logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [watcher], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("watching \(definitions.folder.description) every \(interval)")
        try await group.run()
        logger.info("stopped")
    }
}

/// `cronicle-sync status`: the latest applies and the commit in force.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the latest applies and the commit in force.")

    @OptionGroup var target: SyncTargetOptions

    @Option(help: "How many applies to show.")
    var limit = 10

    func validate() throws { try target.validateReadOnly() }

    @Option(help: "Output format: text or json.")
    var format = SyncOutputFormat.text

    func run() async throws {
        let history = try await Terminal.failing { try await target.target(writing: false).history(limit: limit) }
        Terminal.print(format == .json ? try SyncRecord.json(history) : SyncRecord.formatted(history))
    }
}
