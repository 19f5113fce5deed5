import ArgumentParser
import Foundation
import MonitorDomain
import SyncClient

/// The monitor a terminal command acts on, and the token it needs.
struct MonitorOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The monitor's address. Default: $CRONICLE_URL, else http://127.0.0.1:8000", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The monitor's API token. Default: $CRONICLE_API_TOKEN", valueName: "token"))
    var token: String?

    func client() throws -> MonitorServerClient {
        let environment = ProcessInfo.processInfo.environment
        let address = server ?? environment["CRONICLE_URL"] ?? "http://127.0.0.1:8000"
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http:// or https:// address such as http://127.0.0.1:8000")
        }
        return MonitorServerClient(
            baseURL: url, token: token ?? environment["CRONICLE_API_TOKEN"], userAgent: "cronicle")
    }

    /// Who acts, as the monitor records it: the user and machine this runs on.
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "someone"
        return "\(user)@\(ProcessInfo.processInfo.hostName) (cli)"
    }
}

/// Runs one operator action, printing its failure as the monitor worded it.
private func perform(_ action: () async throws -> MonitorServerClient.JobState) async throws
    -> MonitorServerClient.JobState
{
    do {
        return try await action()
    } catch let failure as MonitorServerClient.Failure {
        FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
        throw ExitCode(1)
    }
}

struct SnoozeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze",
        abstract: "Hold a job's notifications for a while; its alerts still open and show.",
        discussion: """
            Alerts that open while the job is snoozed are told when the snooze ends, if they are still open then. \
            A snooze lasts at most 7 days; `cronicle unsnooze JOB` ends it early.
            """)

    @Argument(help: "The job to snooze.")
    var job: String

    @Option(
        name: .customLong("for"),
        help: ArgumentHelp("How long: 30m, 2h, 1d (at most 7d).", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("Why, for whoever looks at the job next.", valueName: "text"))
    var reason: String?

    @OptionGroup var monitor: MonitorOptions

    func run() async throws {
        let client = try monitor.client()
        let state = try await perform {
            try await client.snooze(jobID: job, for: duration, reason: reason, by: MonitorOptions.actor)
        }
        let until = state.snoozedUntil.map(Timestamp.string) ?? "?"
        print("Snoozed \(state.jobID) until \(until): its notifications are held until then.")
    }
}

struct UnsnoozeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsnooze", abstract: "End a job's snooze now; alerts it held that are still open are told.")

    @Argument(help: "The job whose snooze ends.")
    var job: String

    @OptionGroup var monitor: MonitorOptions

    func run() async throws {
        let client = try monitor.client()
        let state = try await perform { try await client.endSnooze(jobID: job) }
        print("\(state.jobID) is no longer snoozed.")
    }
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a job's alerting as an operator, apart from its definition's paused.",
        discussion: "An apply from git never lifts this pause; `cronicle resume JOB` does.")

    @Argument(help: "The job to pause.")
    var job: String

    @Option(help: ArgumentHelp("Why, for whoever looks at the job next.", valueName: "text"))
    var reason: String?

    @OptionGroup var monitor: MonitorOptions

    func run() async throws {
        let client = try monitor.client()
        let state = try await perform { try await client.pause(jobID: job, reason: reason, by: MonitorOptions.actor) }
        print("Paused \(state.jobID)\(state.pausedBy.map { " (by \($0))" } ?? ""): it raises no alerts until resumed.")
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused job; it is watched again from now.")

    @Argument(help: "The job to resume.")
    var job: String

    @OptionGroup var monitor: MonitorOptions

    func run() async throws {
        let client = try monitor.client()
        let state = try await perform { try await client.resume(jobID: job, by: MonitorOptions.actor) }
        print(state.paused ? "\(state.jobID) is still paused." : "Resumed \(state.jobID): it is watched from now.")
    }
}
