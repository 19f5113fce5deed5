import CronicleTestSupport
import Foundation
import Testing

/// `cronicle-sync cron next|explain` run as a process, as scripts and later tooling use it.
@Suite struct CronCommandTests {
    static func sync(_ arguments: String...) async throws -> ProductRunner.Result {
        try await ProductRunner.run("cronicle-sync", arguments)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func nextAsJSONUsesTheZonesOwnOffsets() async throws {
        let result = try await Self.sync(
            "cron", "next", "30 2 * * *", "--tz", "America/New_York", "--after", "2021-03-13T12:00:00-05:00",
            "--count", "3", "--json")
        #expect(result.status == 0)
        let object = try Self.json(result.standardOutput)
        #expect(object["expression"] as? String == "30 2 * * *")
        #expect(object["timezone"] as? String == "America/New_York")
        #expect(object["description"] as? String == "At 02:30")
        #expect(
            object["next"] as? [String] == [
                "2021-03-14T03:00:00-04:00", "2021-03-15T02:30:00-04:00", "2021-03-16T02:30:00-04:00",
            ])
    }

    @Test func nextAsTextPutsTheDescriptionOnTop() async throws {
        let result = try await Self.sync("cron", "next", "@daily", "--after", "2026-11-28T06:00:00Z", "--count", "2")
        #expect(result.status == 0)
        #expect(result.standardOutput == "At 00:00 (UTC)\n2026-11-29T00:00:00Z\n2026-11-30T00:00:00Z\n")
    }

    @Test func defaultsToFiveFireTimesAfterNow() async throws {
        let asked = Date()
        let result = try await Self.sync("cron", "next", "* * * * *", "--json")
        let next = try #require(try Self.json(result.standardOutput)["next"] as? [String])
        #expect(next.count == 5)
        let formatter = ISO8601DateFormatter()
        let first = try #require(formatter.date(from: next[0]))
        // After the moment it was asked (a busy machine may answer after that minute began).
        #expect(first > asked && first.timeIntervalSince(asked) <= 60)
    }

    @Test func reverseListsPreviousFireTimesNewestFirst() async throws {
        let result = try await Self.sync(
            "cron", "next", "0 * * * *", "--tz", "America/New_York", "--after", "2021-11-07T02:30:00-05:00",
            "--count", "3", "--reverse", "--json")
        #expect(result.status == 0)
        #expect(
            try Self.json(result.standardOutput)["previous"] as? [String] == [
                "2021-11-07T02:00:00-05:00", "2021-11-07T01:00:00-05:00", "2021-11-07T01:00:00-04:00",
            ])
    }

    @Test func anExpressionStartingWithADashIsReadAfterDoubleDash() async throws {
        let result = try await Self.sync("cron", "next", "--", "-5 * * * *")
        #expect(result.status == 1)
        #expect(result.standardError == "error: minute: '-5' is not a range; write start-end, as in 1-5 (column 1)\n")
    }

    @Test func invalidExpressionExitsOneWithFieldAndColumn() async throws {
        let result = try await Self.sync("cron", "next", "0 61 * * *")
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == "error: hour: value 61 is out of range 0-23 (column 3)\n")
        let never = try await Self.sync("cron", "explain", "0 0 30 2 *")
        #expect(never.status == 1)
        #expect(
            never.standardError == "error: day-of-month: never fires: day 30 does not occur in February (column 5)\n")
    }

    @Test(arguments: [
        ["cron", "next", "* * * * *", "--tz", "Mars/Olympus_Mons"],
        ["cron", "next", "* * * * *", "--after", "2026-11-28T06:00:00"],
        ["cron", "next", "* * * * *", "--count", "0"],
        ["cron", "next"],
        ["cron", "next", "* * * * *", "--bogus"],
    ])
    func usageErrorsUseArgumentParsersExitCode(arguments: [String]) async throws {
        let result = try await ProductRunner.run("cronicle-sync", arguments)
        #expect(result.status == 64)
        #expect(result.standardError.contains("Error:"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func explainDescribesInEnglish() async throws {
        let text = try await Self.sync("cron", "explain", "30 6 * 1-6 1-5", "--tz", "Europe/Berlin")
        #expect(text.status == 0)
        #expect(text.standardOutput == "At 06:30, Monday through Friday, January through June (Europe/Berlin)\n")
        let json = try await Self.sync("cron", "explain", "*/5 * * * *", "--json")
        let object = try Self.json(json.standardOutput)
        #expect(object["description"] as? String == "Every 5 minutes")
        #expect(object["fixed_time"] as? Bool == false)
        #expect(object["timezone"] as? String == "UTC")
    }

    @Test func helpAndVersion() async throws {
        let help = try await Self.sync("cron", "next", "--help")
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--reverse"))
        #expect(help.standardOutput.contains("--tz"))
        let version = try await Self.sync("--version")
        #expect(version.standardOutput.hasPrefix("0."))
    }
}
