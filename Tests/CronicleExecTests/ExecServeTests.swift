import CronicleTestSupport
import Foundation
import MonitorTestSupport
import Testing

/// `cronicle exec` against a real `cronicle serve`: the run it reports is the run the
/// monitor shows, with its exit code and output, by the job routes and by the ping URL.
@Suite(.serialized) struct ExecServeTests {
    static func runs(_ client: ContractClient, job: String) async throws -> [[String: Any]] {
        let page = try await client.request("GET", "/job_runs?job_id=\(job)&per_page=100").object()
        return page["job_runs"] as? [[String: Any]] ?? []
    }

    static func output(_ client: ContractClient, runID: String) async throws -> String? {
        try await client.request("GET", "/job_runs/\(runID)").object()["output"] as? String
    }

    /// How long a server may take to say it listens. Generous: while the whole suite runs,
    /// tests that wait for a process on the concurrency pool's threads stall every other
    /// task for seconds (once 20 s, which failed this wait though the server was up).
    static let startTimeout: Duration = .seconds(90)

    @Test func aRunReportedByExecAppearsInTheMonitor() async throws {
        let folder = try TemporaryFolder()
        let spool = folder.url("spool")
        let server = try RunningProduct("cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0"])
        let port = try #require(
            try await server.waitForError(
                matching: "listening on http://127.0.0.1:([0-9]+)", timeout: Self.startTimeout))
        let client = try ContractClient(port: port)
        let created = try await client.request(
            "POST", "/jobs", body: Data(#"{"job_id": "backup", "schedule": "@daily"}"#.utf8),
            headers: ["Content-Type": "application/json"])
        try #require(created.status == 201)

        // The job routes: --server and --job.
        let byJob = try await ExecProcess.run(
            [
                "--server", "http://127.0.0.1:\(port)", "--job", "backup", "--spool", spool, "--", "sh", "-c",
                "echo from the job; echo \"$CRONICLE_RUN_ID\" >&2; exit 3",
            ])
        #expect(byJob.status == 3)
        #expect(byJob.standardOutputText == "from the job\n")
        let runID = byJob.standardError.trimmingCharacters(in: .newlines)
        let first = try #require(try await Self.runs(client, job: "backup").first { $0["run_id"] as? String == runID })
        #expect(first["exit_code"] as? Int == 3)
        #expect(first["end_time"] is String)
        #expect(first["message"] as? String == "exit status 3")
        #expect((first["user_agent"] as? String)?.hasPrefix("cronicle-exec/") == true)
        #expect((first["client_info"] as? [String: Any])?["argv0"] as? String == "sh")
        let firstOutput = try #require(try await Self.output(client, runID: runID))
        #expect(firstOutput.contains("from the job\n"))

        // The ping URL the monitor gives the job.
        let job = try await client.request("GET", "/jobs/backup").object()
        let pingUUID = try #require(job["ping_uuid"] as? String)
        let pingURL = job["ping_url"] as? String ?? "http://127.0.0.1:\(port)/ping/\(pingUUID)"
        let byPing = try await ExecProcess.run(
            [
                "--ping-url", pingURL, "--spool", spool, "--", "sh", "-c",
                "sleep 0.2; echo pinged; echo $CRONICLE_RUN_ID >&2",
            ])
        #expect(byPing.status == 0)
        let pingRunID = byPing.standardError.trimmingCharacters(in: .newlines)
        let second = try #require(
            try await Self.runs(client, job: "backup").first { $0["run_id"] as? String == pingRunID })
        #expect(second["exit_code"] as? Int == 0)
        #expect(second["start_time"] is String)
        #expect(second["end_time"] is String)
        #expect(try await Self.output(client, runID: pingRunID)?.contains("pinged\n") == true)
        #expect(try await Self.runs(client, job: "backup").count == 2)
        let spooled = (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []
        #expect(spooled.isEmpty)
        try await server.stop()
    }

    @Test func theOutputFitsTheServersPingBodyLimitWithTheTailKept() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct(
            "cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0", "--ping-body-limit", "2000"])
        let port = try #require(
            try await server.waitForError(
                matching: "listening on http://127.0.0.1:([0-9]+)", timeout: Self.startTimeout))
        let client = try ContractClient(port: port)
        let created = try await client.request(
            "POST", "/jobs", body: Data(#"{"job_id": "chatty", "schedule": "@daily"}"#.utf8),
            headers: ["Content-Type": "application/json"])
        try #require(created.status == 201)
        let pingUUID = try #require(try await client.request("GET", "/jobs/chatty").object()["ping_uuid"] as? String)

        // The start is answered (with Ping-Body-Limit: 2000) before the command prints.
        let result = try await ExecProcess.run(
            [
                "--ping-url", "http://127.0.0.1:\(port)/ping/\(pingUUID)", "--spool", folder.url("spool"), "--", "sh",
                "-c", "sleep 0.5; seq 1 5000",
            ])
        #expect(result.status == 0)
        #expect(result.standardOutput.count == 23_893)
        let runs = try await Self.runs(client, job: "chatty")
        try #require(runs.count == 1)
        let runID = try #require(runs[0]["run_id"] as? String)
        let run = try await client.request("GET", "/job_runs/\(runID)").object()
        let output = try #require(run["output"] as? String)
        #expect(output.utf8.count <= 2_000)
        #expect(output.hasPrefix("1\n2\n3\n"))
        #expect(output.hasSuffix("4999\n5000\n"))
        #expect(output.contains(" bytes omitted …]\n"))
        #expect(run["output_truncated"] as? Bool == false)
        try await server.stop()
    }
}
