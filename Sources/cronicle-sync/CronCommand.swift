import ArgumentParser
import Cron
import Foundation
import MonitorDomain
import MonitorStorage
import SyncClient

/// `cronicle-sync cron`: look at a schedule without any job around it.
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Compute fire times and descriptions of cron expressions.",
        subcommands: [Next.self, Explain.self])

    /// Options shared by `next` and `explain`.
    struct ExpressionOptions: ParsableArguments {
        @Argument(help: "A 5-field cron expression or macro, quoted. Put it after -- when it starts with -.")
        var expression: String

        @Option(name: .customLong("tz"), help: "IANA time zone the schedule runs in.")
        var timeZoneIdentifier = "UTC"

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard TimeZone(identifier: timeZoneIdentifier) != nil else {
                throw ValidationError(
                    "unknown time zone '\(timeZoneIdentifier)'; use an IANA name such as Europe/Berlin")
            }
        }

        /// The zone named by `--tz`, which ``validate()`` has checked.
        var timeZone: TimeZone { TimeZone(identifier: timeZoneIdentifier)! }

        /// The parsed expression, or the parse error on stderr and exit code 1.
        func cronExpression() throws -> CronExpression {
            do {
                return try CronExpression(expression)
            } catch {
                Terminal.error(error)
                throw ExitCode(1)
            }
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next (or previous) fire times of an expression.")

        @OptionGroup var options: ExpressionOptions

        @Option(help: "Start from this instant (ISO 8601 with an offset or Z). Default: now.")
        var after: String?

        @Option(help: "How many fire times to print.")
        var count = 5

        @Flag(help: "List previous fire times instead, newest first.")
        var reverse = false

        func validate() throws {
            guard (1...100_000).contains(count) else { throw ValidationError("--count must be 1 to 100000") }
            _ = try startInstant()
        }

        func run() throws {
            let expression = try options.cronExpression()
            let schedule = CronSchedule(expression, timeZone: options.timeZone)
            let times = schedule.fireTimes(after: try startInstant(), reverse: reverse).prefix(count).map(
                schedule.localTimestamp)
            if options.json {
                try printJSON([
                    "expression": expression.text,
                    "timezone": options.timeZoneIdentifier,
                    "description": expression.explanation,
                    reverse ? "previous" : "next": times,
                ])
            } else {
                print("\(expression.explanation) (\(options.timeZoneIdentifier))")
                for time in times { print(time) }
            }
        }

        private func startInstant() throws -> Date {
            guard let after else { return Date() }
            if let date = Timestamp.parse(after) { return date }
            throw ValidationError(
                "--after '\(after)' is not an ISO 8601 instant with an offset, such as 2026-03-29T01:30:00+01:00 or 2026-03-29T00:30:00Z"
            )
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe an expression in English.")

        @OptionGroup var options: ExpressionOptions

        func run() throws {
            let expression = try options.cronExpression()
            if options.json {
                try printJSON([
                    "expression": expression.text,
                    "timezone": options.timeZoneIdentifier,
                    "description": expression.explanation,
                    "fixed_time": expression.isFixedTime,
                ])
            } else {
                print("\(expression.explanation) (\(options.timeZoneIdentifier))")
            }
        }
    }
}

private func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}
