import CronicleTestSupport
import Foundation
import MonitorTestSupport
import Testing

/// `cronicle snooze`, `unsnooze`, `pause` and `resume` against a `cronicle serve`
/// process, with and without the token it needs, as an operator types them.
@Suite(.serialized) struct OperatorCommandTests {
    @Test func snoozeAndPauseFromATerminal() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct(
            "cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0", "--api-token", "s3cret"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let url = "http://127.0.0.1:\(port)"
        #expect(
            try await ContractClient(port: port).request(
                "POST", "/jobs", body: Data(#"{"job_id": "backup", "schedule": "@daily"}"#.utf8),
                headers: ["Authorization": "Bearer s3cret"]
            ).status == 201)

        let refused = try await ProductRunner.run("cronicle", ["snooze", "backup", "--for", "2h", "--server", url])
        #expect(refused.status == 1)
        #expect(
            refused.standardError.contains("needs its API token: pass --token or set CRONICLE_API_TOKEN"),
            "\(refused.standardError)")

        let tooLong = try await ProductRunner.run(
            "cronicle", ["snooze", "backup", "--for", "8d", "--server", url, "--token", "s3cret"])
        #expect(
            tooLong.status == 1 && tooLong.standardError.contains("a snooze lasts at most 7 days"),
            "\(tooLong.standardError)")

        let snoozed = try await ProductRunner.run(
            "cronicle",
            ["snooze", "backup", "--for", "2h", "--reason", "disk swap", "--server", url, "--token", "s3cret"])
        #expect(snoozed.status == 0, "\(snoozed.standardError)")
        #expect(snoozed.standardOutput.hasPrefix("Snoozed backup until 20"), "\(snoozed.standardOutput)")
        let job = try await ContractClient(port: port).request("GET", "/jobs/backup").object()
        #expect(job["snooze_reason"] as? String == "disk swap")
        #expect((job["snoozed_by"] as? String)?.hasSuffix("(cli)") == true, "who: user@host (cli)")

        let unsnoozed = try await ProductRunner.run(
            "cronicle", ["unsnooze", "backup", "--server", url, "--token", "s3cret"])
        #expect(unsnoozed.standardOutput == "backup is no longer snoozed.\n")

        let paused = try await ProductRunner.run(
            "cronicle", ["pause", "backup", "--reason", "vendor outage", "--server", url, "--token", "s3cret"])
        #expect(paused.status == 0 && paused.standardOutput.contains("Paused backup (by "), "\(paused.standardOutput)")
        let resumed = try await ProductRunner.run(
            "cronicle", ["resume", "backup", "--server", url, "--token", "s3cret"])
        #expect(resumed.standardOutput == "Resumed backup: it is watched from now.\n")

        let missing = try await ProductRunner.run(
            "cronicle", ["snooze", "nope", "--for", "1h", "--server", url, "--token", "s3cret"])
        #expect(
            missing.status == 1 && missing.standardError.contains("job 'nope' does not exist"),
            "\(missing.standardError)")
        _ = try await server.stop()
    }
}
