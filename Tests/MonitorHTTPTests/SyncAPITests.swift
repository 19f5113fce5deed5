import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

/// `POST /sync/plan`, `POST /sync/apply` and `GET /sync/history` over HTTP: what they
/// answer, and that a refused request writes nothing.
@Suite struct SyncAPITests {
    static let files: JSONValue = .array([
        .object(["path": "jobs.d/a.yaml", "contents": "job_id: a\nschedule: \"@daily\"\n"])
    ])

    static func body(_ files: JSONValue = files) -> JSONValue {
        ["source": ["repository": "git@example.com:ops/jobs.git", "ref": "main", "commit": "abc123"], "files": files]
    }

    @Test func badRequestsAreRefusedAndWriteNothing() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "s3cret"
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let auth = ["Authorization": "Bearer s3cret"]
            var response = try await monitor.request("POST", "/sync/apply", json: Self.body())
            #expect(response.status == 401 && response.errorCode == "unauthorized")

            response = try await monitor.request("POST", "/sync/apply", body: Data("{\"source\": ".utf8), headers: auth)
            #expect(response.status == 400)
            #expect(response.errorMessage?.hasPrefix("the body is not a sync request") == true)

            response = try await monitor.request(
                "POST", "/sync/plan", json: ["source": ["identity": "ops", "ref": "main"]], headers: auth)
            #expect(response.status == 400)
            #expect(response.errorMessage == "the body is not a sync request: 'files' is required")

            // A folder source from a cronicle-sync that predates identities would prune any
            // other folder's jobs: it must say whose jobs these are.
            response = try await monitor.request(
                "POST", "/sync/plan", json: ["source": ["path": "jobs.d"], "files": .array([])], headers: auth)
            #expect(response.status == 400)
            #expect(response.errorMessage?.contains("the source has no identity") == true, "\(response.text)")

            let invalid: JSONValue = .array([
                .object(["path": "jobs.d/a.yaml", "contents": "job_id: a\nschedule: \"61 * * * *\"\n"])
            ])
            response = try await monitor.request("POST", "/sync/apply", json: Self.body(invalid), headers: auth)
            #expect(response.status == 422 && response.errorCode == "sync_failed")
            let report = try response.object()
            let diagnostics = report["diagnostics"] as? [[String: Any]]
            #expect(diagnostics?.first?["rule"] as? String == "cron-syntax")
            #expect(diagnostics?.first?["line"] as? Int == 2 && diagnostics?.first?["column"] as? Int == 12)

            #expect(try await monitor.store.jobs().isEmpty, "nothing was applied")
            let history = try await monitor.request("GET", "/sync/history").object()["history"] as? [[String: Any]]
            #expect(history?.map { $0["result"] as? String } == ["failed"], "only the failed apply is recorded")
        }
    }

    @Test func planThenApplyAnswerTheReport() async throws {
        try await LiveMonitor.with { monitor in
            var response = try await monitor.request("POST", "/sync/plan", json: Self.body())
            #expect(response.status == 200)
            let plan = try response.object()["plan"] as? [String: Any]
            #expect((plan?["creates"] as? [[String: Any]])?.first?["job_id"] as? String == "a")
            #expect(try await monitor.store.jobs().isEmpty, "a plan changes nothing")

            response = try await monitor.request("POST", "/sync/apply", json: Self.body())
            #expect(response.status == 200)
            let record = try response.object()["record"] as? [String: Any]
            #expect(record?["result"] as? String == "applied" && record?["created"] as? Int == 1)
            let job = try await monitor.request("GET", "/jobs/a").object()
            #expect(job["managed_by"] as? String == "sync")
            let source = job["source"] as? [String: Any]
            #expect(source?["repository"] as? String == "git@example.com:ops/jobs.git")
            #expect(source?["commit"] as? String == "abc123" && source?["file"] as? String == "jobs.d/a.yaml")
            let history = try await monitor.request("GET", "/sync/history?limit=1").object()["history"]
            #expect(
                (history as? [[String: Any]])?.first?["source"] as? [String: AnyHashable] == [
                    "identity": "example.com/ops/jobs#jobs.d", "repository": "git@example.com:ops/jobs.git",
                    "ref": "main", "commit": "abc123", "dirty": AnyHashable(false as NSNumber),
                ])
        }
    }
}
