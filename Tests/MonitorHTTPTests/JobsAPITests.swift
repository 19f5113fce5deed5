import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

/// `/jobs` over real HTTP: create, update, read, delete, and every refusal with its
/// envelope, status and proof that nothing was written.
@Suite struct JobsAPITests {
    static let dataSync: JSONValue = [
        "job_id": "data_sync", "schedule": "0 */4 * * *", "tolerance": 15, "max_runtime": 60,
    ]

    @Test func createThenUpdate() async throws {
        try await LiveMonitor.with { monitor in
            let created = try await monitor.request("POST", "/jobs", json: Self.dataSync)
            #expect(created.status == 201)
            let job = try created.object()
            #expect(job["job_id"] as? String == "data_sync")
            #expect(job["tolerance"] as? Double == 15)
            #expect(job["max_runtime"] as? Double == 60)
            #expect(job["timezone"] as? String == "UTC")
            #expect(job["managed_by"] as? String == "api")
            #expect(job["is_health_check"] as? Bool == false)
            #expect(job["created_at"] as? String == "2026-11-28T06:00:00.000Z")
            #expect(job["schedule_description"] as? String == "Every 4 hours")

            monitor.clock.advance(by: 60)
            let updated = try await monitor.request(
                "POST", "/jobs",
                json: [
                    "job_id": "data_sync", "schedule": "30 2 * * *", "timezone": "Europe/Berlin", "tolerance": "90s",
                    "max_runtime": "2h", "tags": ["etl"], "description": "nightly",
                ])
            #expect(updated.status == 200)
            let object = try updated.object()
            #expect(object["tolerance"] as? Double == 1.5)
            #expect(object["max_runtime"] as? Double == 120)
            #expect(object["tags"] as? [String] == ["etl"])
            #expect(object["created_at"] as? String == "2026-11-28T06:00:00.000Z")
            #expect(object["updated_at"] as? String == "2026-11-28T06:01:00.000Z")

            let list = try await monitor.request("GET", "/jobs").object()
            #expect((list["jobs"] as? [[String: Any]])?.map { $0["job_id"] as? String } == ["data_sync"])
            let one = try await monitor.request("GET", "/jobs/data_sync").object()
            #expect(one["schedule"] as? String == "30 2 * * *")
        }
    }

    @Test(
        arguments: [
            ([:], 400, "invalid_request", "job_id: is required"),
            (["job_id": "a"], 400, "invalid_request", "schedule: is required"),
            (["job_id": "a b", "schedule": "@daily"], 400, "invalid_request", "job_id 'a b' may contain only letters"),
            (
                ["job_id": "a", "schedule": "61 * * * *"], 400, "invalid_request",
                "schedule: minute value 61 is out of range 0-59 (column 1)"
            ),
            (["job_id": "a", "schedule": "0 0 30 2 *"], 400, "invalid_request", "schedule: day-of-month never fires"),
            (
                ["job_id": "a", "schedule": "@daily", "timezone": "Europe/Berlim"], 400, "invalid_request",
                "timezone: unknown time zone 'Europe/Berlim'; did you mean 'Europe/Berlin'?"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "tolerance": "30"], 400, "invalid_request",
                "tolerance: \"30\" has no unit; write 30 (a number, in minutes) or \"30m\""
            ),
            (
                ["job_id": "a", "schedule": "@daily", "tolerance": -1], 400, "invalid_request",
                "tolerance must not be negative"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "max_runtime": 0], 400, "invalid_request",
                "max_runtime must be longer than 0"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "tolerance": 50_000], 400, "invalid_request",
                "tolerance may be at most 31d (44640 minutes), found 34d17h20m"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "max_runtime": "32d"], 400, "invalid_request",
                "max_runtime may be at most 31d (44640 minutes), found 32d"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "tolerance": 1e300], 400, "invalid_request",
                "tolerance: 1e+300 minutes is too long to be a duration"
            ),
            (
                ["job_id": "a", "schedule": "@daily", "paused": "yes"], 400, "invalid_request",
                "paused: must be true or false"
            ),
            (["job_id": "a", "schedule": "@daily", "tags": "x"], 400, "invalid_request", "tags: must be an array"),
            (
                ["job_id": "a", "schedule": "@daily", "schedul": "x"], 400, "invalid_request",
                "unknown field 'schedul'; did you mean 'schedule'?"
            ),
            (["job_id": 5, "schedule": "@daily"], 400, "invalid_request", "job_id: must be a string, found a number"),
        ] as [(JSONValue, Int, String, String)])
    func refusesInvalidJobsAndWritesNothing(body: JSONValue, status: Int, code: String, message: String) async throws {
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request("POST", "/jobs", json: body)
            #expect(response.status == status)
            #expect(response.errorCode == code)
            #expect(response.errorMessage?.hasPrefix(message) == true, "\(response.errorMessage ?? response.text)")
            #expect(try await monitor.store.jobs().isEmpty)
        }
    }

    @Test(arguments: [
        (
            "{\"job_id\": \"x\", \"schedule\": ",
            "malformed JSON: the body ends where a value was expected (line 1, column 29)"
        ),
        ("{'job_id': 'x'}", "malformed JSON: expected a field name in double quotes (line 1, column 2)"),
        ("not json", "malformed JSON: unexpected character 'n' where a value was expected (line 1, column 1)"),
    ])
    func malformedJSONIsA400NamingTheProblem(body: String, message: String) async throws {
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request("POST", "/jobs", body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.errorCode == "malformed_json")
            #expect(response.errorMessage?.hasPrefix(message) == true, "\(response.text)")
            #expect(response.headers["content-type"] == "application/json")
        }
    }

    @Test func bodiesMustBeObjects() async throws {
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request("POST", "/jobs", body: Data("[1, 2]".utf8))
            #expect(response.status == 400)
            #expect(response.errorMessage == "the request body must be a JSON object, found an array")
            let empty = try await monitor.request("POST", "/jobs")
            #expect(empty.status == 400)
            #expect(empty.errorMessage == "the request body is empty; send a JSON object")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 4096
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let body = Self.dataSync.setting("description", .string(String(repeating: "x", count: 5000)))
            let response = try await monitor.request("POST", "/jobs", json: body)
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            #expect(try await monitor.store.jobs().isEmpty)
            let fits = Self.dataSync.setting("description", .string(String(repeating: "x", count: 3000)))
            #expect(try await monitor.request("POST", "/jobs", json: fits).status == 201)
        }
    }

    @Test func unknownJobsAndRoutesAre404() async throws {
        try await LiveMonitor.with { monitor in
            for (method, path) in [
                ("GET", "/jobs/nope"), ("DELETE", "/jobs/nope"), ("GET", "/jobs/nope/status"),
                ("POST", "/jobs/nope/start"),
                ("POST", "/jobs/nope/end"), ("POST", "/jobs/nope/fail"), ("POST", "/jobs/nope/pause"),
                ("POST", "/jobs/nope/resume"),
            ] {
                let response = try await monitor.request(method, path)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.errorCode == "not_found")
                #expect(response.errorMessage == "job 'nope' does not exist", "\(method) \(path)")
            }
            let route = try await monitor.request("GET", "/nothing/here")
            #expect(route.status == 404)
            #expect(route.errorMessage == "no route for GET /nothing/here")
            #expect(try await monitor.request("GET", "/job_runs").object()["total"] as? Int == 0)
        }
    }

    @Test func deleteKeepsRunsAndResolvesAlerts() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: Self.dataSync)
            _ = try await monitor.request("POST", "/jobs/data_sync/start")
            _ = try await monitor.request("POST", "/jobs/data_sync/end", json: ["exit_code": 3])
            #expect(try await monitor.request("GET", "/alerts?resolved=false").object()["total"] as? Int == 1)
            let deleted = try await monitor.request("DELETE", "/jobs/data_sync")
            #expect(deleted.status == 204)
            #expect(try await monitor.request("GET", "/jobs/data_sync").status == 404)
            let runs = try await monitor.request("GET", "/job_runs?job_id=data_sync").object()
            #expect(runs["total"] as? Int == 1)
            let alerts = try await monitor.request("GET", "/alerts?job_id=data_sync").object()
            let alert = try #require((alerts["alerts"] as? [[String: Any]])?.first)
            #expect(alert["resolved_at"] as? String == "2026-11-28T06:00:00.000Z")
        }
    }

    @Test func pauseAndResume() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: Self.dataSync)
            let paused = try await monitor.request("POST", "/jobs/data_sync/pause")
            #expect(paused.status == 200)
            #expect(try paused.object()["paused"] as? Bool == true)
            #expect(
                try await monitor.request("GET", "/jobs/data_sync/status").object()["status"] as? String == "paused")
            let resumed = try await monitor.request("POST", "/jobs/data_sync/resume").object()
            #expect(resumed["paused"] as? Bool == false)
        }
    }

    @Test func aTokenGuardsChangesButNotPingsOrReads() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "s3cret-token"
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let refused = try await monitor.request("POST", "/jobs", json: Self.dataSync)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
            #expect(refused.headers["www-authenticate"] == "Bearer")
            let wrong = try await monitor.request(
                "POST", "/jobs", json: Self.dataSync, headers: ["Authorization": "Bearer s3cret-tokeN"])
            #expect(wrong.status == 401)
            #expect(try await monitor.store.jobs().isEmpty)
            let bearer = ["Authorization": "Bearer s3cret-token"]
            #expect(try await monitor.request("POST", "/jobs", json: Self.dataSync, headers: bearer).status == 201)
            #expect(try await monitor.request("POST", "/jobs/data_sync/pause").status == 401)
            #expect(try await monitor.request("DELETE", "/jobs/data_sync").status == 401)
            #expect(try await monitor.request("POST", "/jobs/data_sync/start").status == 201)
            #expect(try await monitor.request("POST", "/jobs/data_sync/fail").status == 200)
            #expect(try await monitor.request("GET", "/jobs").status == 200)
            #expect(try await monitor.request("POST", "/alerts/1/acknowledge").status == 401)
            #expect(try await monitor.request("POST", "/alerts/1/acknowledge", headers: bearer).status == 200)
        }
    }

    @Test func changesSentByABrowserFromAnotherSiteAreRefused() async throws {
        try await LiveMonitor.with { monitor in
            let job: JSONValue = ["job_id": "nightly", "schedule": "@daily"]
            let evil = try await monitor.request("POST", "/jobs", json: job, headers: ["Origin": "http://evil.example"])
            #expect(evil.status == 403)
            #expect(evil.errorCode == "forbidden")
            #expect(evil.errorMessage?.contains("http://evil.example") == true)
            #expect(try await monitor.request("GET", "/jobs/nightly").status == 404, "nothing was written")

            // Browsers that say where a request comes from are judged by that.
            let own = "http://127.0.0.1:\(monitor.port)"
            #expect(try await monitor.request("POST", "/jobs", json: job, headers: ["Origin": own]).status == 201)
            for site in ["cross-site", "same-site"] {
                let refused = try await monitor.request(
                    "POST", "/jobs/nightly/start", headers: ["Sec-Fetch-Site": site, "Origin": own])
                #expect(refused.status == 403, "\(site)")
            }
            #expect(
                try await monitor.request("GET", "/job_runs?job_id=nightly").object()["total"] as? Int == 0,
                "no start was recorded")
            #expect(
                try await monitor.request("POST", "/jobs/nightly/start", headers: ["Sec-Fetch-Site": "same-origin"])
                    .status == 201)
            // curl and scripts send neither header; reads pass whatever they say.
            #expect(try await monitor.request("POST", "/jobs/nightly/end").status == 200)
            #expect(
                try await monitor.request("GET", "/jobs/nightly", headers: ["Origin": "http://evil.example"]).status
                    == 200)
        }
    }
}
