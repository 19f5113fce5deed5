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
            refused.standardError.contains("needs a key: pass --token with a key from `cronicle keys create`"),
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
        #expect(
            (job["snoozed_by"] as? String)?.hasSuffix("(cli) (api-token)") == true,
            "who: user@host (cli), then the key that vouched for it")

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

    /// `cronicle keys` against the database and against the server, as the first key is made
    /// on a running monitor: from then on reads need a key.
    @Test func keysFromATerminal() async throws {
        let folder = try TemporaryFolder()
        let db = folder.url("cronicle.db")
        let server = try RunningProduct("cronicle", ["serve", "--db", db, "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let url = "http://127.0.0.1:\(port)"
        let client = try ContractClient(port: port)
        #expect(try await client.request("GET", "/jobs").status == 200, "open before any key")

        let missing = try await ProductRunner.run("cronicle", ["keys", "list", "--db", folder.url("nope.db")])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("error: no database at \(folder.url("nope.db"))"))
        let made = try await ProductRunner.run("cronicle", ["keys", "create", "root", "--scope", "admin", "--db", db])
        #expect(made.status == 0, "\(made.standardError)")
        let admin = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(admin.hasPrefix("crk_") && admin.count == 47, "the secret alone on standard output")
        #expect(made.standardError.contains("Made key 'root' (admin scope)"))
        // The server reads the keys' version at most once a second: the key made by another
        // process guards it within that second.
        var status = 200
        for _ in 0..<30 where status == 200 {
            status = try await client.request("GET", "/jobs").status
            if status == 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(status == 401, "a key exists: reads need one")

        let badScope = try await ProductRunner.run(
            "cronicle", ["keys", "create", "x", "--scope", "owner", "--server", url, "--token", admin])
        #expect(badScope.status == 1)
        #expect(
            badScope.standardError.contains("'owner' is not a scope; write one of read, ping, write, sync or admin"))
        let ping = try await ProductRunner.run(
            "cronicle",
            ["keys", "create", "billing", "--scope", "ping", "--jobs", "billing_*", "--server", url, "--token", admin])
        #expect(ping.status == 0, "\(ping.standardError)")
        let duplicate = try await ProductRunner.run(
            "cronicle", ["keys", "create", "billing", "--scope", "read", "--db", db])
        #expect(duplicate.status == 1 && duplicate.standardError.contains("a key named 'billing' already exists"))
        let list = try await ProductRunner.run("cronicle", ["keys", "list", "--server", url, "--token", admin])
        #expect(list.status == 0)
        #expect(list.standardOutput.contains("billing  ping   jobs billing_*"), "\(list.standardOutput)")
        #expect(!list.standardOutput.contains(admin), "a list never shows a secret")
        let revoked = try await ProductRunner.run("cronicle", ["keys", "revoke", "root", "--db", db])
        #expect(revoked.status == 0 && revoked.standardOutput.contains("Revoked key 'root'."))
        // Revoked by another process: refused within the second the server trusts what it read.
        try await Task.sleep(for: .milliseconds(1100))
        let refused = try await ProductRunner.run("cronicle", ["keys", "list", "--server", url, "--token", admin])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("the key 'root' was revoked"), "\(refused.standardError)")
        _ = try await server.stop()
    }
}
