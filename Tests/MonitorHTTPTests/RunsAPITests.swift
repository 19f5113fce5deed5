import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

/// Start, end and fail pings over real HTTP, and `GET /job_runs`.
@Suite struct RunsAPITests {
    static func createJob(
        _ monitor: LiveMonitor,
        _ body: JSONValue = ["job_id": "data_sync", "schedule": "0 */4 * * *", "tolerance": 15, "max_runtime": 60]
    ) async throws {
        let response = try await monitor.request("POST", "/jobs", json: body)
        #expect(response.status == 201)
    }

    @Test func theDesignDocumentsCurlSequence() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let start = try await monitor.request(
                "POST", "/jobs/data_sync/start",
                json: [
                    "client_info": [
                        "hostname": "worker-01", "ip": "10.0.0.100", "os": "Linux 5.15.0",
                        "metadata": ["batch_size": 1000, "source": "prod_db"],
                    ]
                ], headers: ["User-Agent": "backup-script/1.0"])
            #expect(start.status == 201)
            let run = try start.object()
            #expect(run["status"] as? String == "running")
            #expect(run["remote_addr"] as? String == "127.0.0.1")
            #expect(run["user_agent"] as? String == "backup-script/1.0")
            let info = try #require(run["client_info"] as? [String: Any])
            #expect(info["hostname"] as? String == "worker-01")
            #expect((info["metadata"] as? [String: Any])?["batch_size"] as? Int == 1000)

            monitor.clock.advance(by: 90)
            let end = try await monitor.request("POST", "/jobs/data_sync/end")
            #expect(end.status == 200)
            let ended = try end.object()
            #expect(ended["run_id"] as? String == run["run_id"] as? String)
            #expect(ended["status"] as? String == "succeeded")
            #expect(ended["duration"] as? Double == 1.5)
            #expect(ended["start_time"] as? String == "2026-11-28T06:00:00.000Z")
            #expect(ended["end_time"] as? String == "2026-11-28T06:01:30.000Z")

            let page = try await monitor.request("GET", "/job_runs?page=1&per_page=10").object()
            #expect(page["page"] as? Int == 1)
            #expect(page["per_page"] as? Int == 10)
            #expect(page["total"] as? Int == 1)
            let runs = try #require(page["job_runs"] as? [[String: Any]])
            #expect((runs.first?["client_info"] as? [String: Any])?["os"] as? String == "Linux 5.15.0")
        }
    }

    @Test func runIDsAreTheCallersAndRetriesAreSafe() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let first = try await monitor.request("POST", "/jobs/data_sync/start", json: ["run_id": "build-42"])
            #expect(first.status == 201)
            let again = try await monitor.request("POST", "/jobs/data_sync/start", json: ["run_id": "build-42"])
            #expect(again.status == 200)
            #expect(try again.object()["run_id"] as? String == "build-42")
            let other = try await monitor.request("POST", "/jobs/data_sync/start", json: ["run_id": "build-43"])
            #expect(other.status == 201)

            let end = try await monitor.request(
                "POST", "/jobs/data_sync/end", json: ["run_id": "build-43", "exit_code": 0])
            #expect(try end.object()["run_id"] as? String == "build-43")
            let retried = try await monitor.request(
                "POST", "/jobs/data_sync/end", json: ["run_id": "build-43", "exit_code": 1])
            #expect(try retried.object()["status"] as? String == "succeeded", "an end already recorded is not changed")
            #expect(try await monitor.request("GET", "/job_runs?status=running").object()["total"] as? Int == 1)

            try await Self.createJob(monitor, ["job_id": "other", "schedule": "@daily"])
            let foreign = try await monitor.request("POST", "/jobs/other/start", json: ["run_id": "build-42"])
            #expect(foreign.status == 409)
            #expect(foreign.errorMessage == "run id 'build-42' belongs to job 'data_sync'")
            let invalid = try await monitor.request("POST", "/jobs/other/start", json: ["run_id": "has space"])
            #expect(invalid.status == 400)
        }
    }

    @Test func endClosesTheOldestOpenRunThenRecordsEndsWithoutStart() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let first = try await monitor.request("POST", "/jobs/data_sync/start").object()["run_id"] as? String
            monitor.clock.advance(by: 1)
            let second = try await monitor.request("POST", "/jobs/data_sync/start").object()["run_id"] as? String
            #expect(try await monitor.request("POST", "/jobs/data_sync/end").object()["run_id"] as? String == first)
            #expect(try await monitor.request("POST", "/jobs/data_sync/end").object()["run_id"] as? String == second)
            let orphan = try await monitor.request(
                "POST", "/jobs/data_sync/end", json: ["exit_code": 0, "message": "done"])
            #expect(orphan.status == 200)
            let run = try orphan.object()
            #expect(run["start_time"] is NSNull)
            #expect(run["end_time"] as? String == "2026-11-28T06:00:01.000Z")
            #expect(run["duration"] is NSNull)
            #expect(run["message"] as? String == "done")
            #expect(try await monitor.request("GET", "/job_runs").object()["total"] as? Int == 3)
        }
    }

    @Test func failuresRaiseOneIncidentThatASuccessResolves() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            _ = try await monitor.request("POST", "/jobs/data_sync/start")
            let failed = try await monitor.request(
                "POST", "/jobs/data_sync/end", json: ["exit_code": 2, "message": "disk full"])
            #expect(try failed.object()["status"] as? String == "failed")
            #expect(try failed.object()["exit_code"] as? Int == 2)
            _ = try await monitor.request("POST", "/jobs/data_sync/fail", json: ["message": "again"])
            let alerts = try await monitor.request("GET", "/alerts?job_id=data_sync&type=failed").object()
            #expect(alerts["total"] as? Int == 1)
            let alert = try #require((alerts["alerts"] as? [[String: Any]])?.first)
            #expect(alert["failure_count"] as? Int == 2)
            #expect(alert["resolved_at"] is NSNull)
            #expect(
                try await monitor.request("GET", "/jobs/data_sync/status").object()["status"] as? String == "failed")

            monitor.clock.advance(by: 60)
            _ = try await monitor.request("POST", "/jobs/data_sync/end", json: ["exit_code": 0])
            let resolved = try await monitor.request("GET", "/alerts?resolved=true").object()
            #expect(
                (resolved["alerts"] as? [[String: Any]])?.first?["resolved_at"] as? String == "2026-11-28T06:01:00.000Z"
            )
            #expect(try await monitor.request("GET", "/jobs/data_sync/status").object()["status"] as? String == "ok")
        }
    }

    @Test func aHealthCheckStartIsAWholeRun() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(
                monitor, ["job_id": "heartbeat", "schedule": "*/5 * * * *", "is_health_check": true])
            let ping = try await monitor.request("POST", "/jobs/heartbeat/start").object()
            #expect(ping["status"] as? String == "succeeded")
            #expect(ping["start_time"] as? String == ping["end_time"] as? String)
            #expect(ping["duration"] as? Double == 0)
        }
    }

    @Test func messagesAreCutAtTheLimit() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let long = String(repeating: "é", count: MonitorStore.messageLimit + 50)
            let run = try await monitor.request("POST", "/jobs/data_sync/fail", json: ["message": .string(long)])
                .object()
            #expect((run["message"] as? String)?.count == MonitorStore.messageLimit)
        }
    }

    @Test(arguments: [
        ("/jobs/data_sync/start", "{\"client_info\": [1]}", "client_info: must be an object, found an array"),
        ("/jobs/data_sync/start", "{\"clientinfo\": {}}", "unknown field 'clientinfo'; expected client_info, run_id"),
        ("/jobs/data_sync/end", "{\"exit_code\": 1.5}", "exit_code: must be a whole number, found a number"),
        ("/jobs/data_sync/end", "{\"exit_code\": \"1\"}", "exit_code: must be a whole number, found a string"),
        ("/jobs/data_sync/end", "{\"message\": 5}", "message: must be a string, found a number"),
    ])
    func badPingBodiesAre400AndRecordNothing(path: String, body: String, message: String) async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let response = try await monitor.request("POST", path, body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.errorMessage == message)
            #expect(try await monitor.request("GET", "/job_runs").object()["total"] as? Int == 0)
        }
    }

    @Test func forwardedForIsTrustedOnlyWhenTold() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let run = try await monitor.request(
                "POST", "/jobs/data_sync/start", headers: ["X-Forwarded-For": "203.0.113.7, 10.0.0.1"]
            ).object()
            #expect(run["remote_addr"] as? String == "127.0.0.1")
        }
        var configuration = ServerConfiguration()
        configuration.trustProxy = true
        try await LiveMonitor.with(configuration: configuration) { monitor in
            try await Self.createJob(monitor)
            let run = try await monitor.request(
                "POST", "/jobs/data_sync/start", headers: ["X-Forwarded-For": "203.0.113.7, 10.0.0.1"]
            ).object()
            // The last entry is the one the trusted proxy appended; the first came from the client.
            #expect(run["remote_addr"] as? String == "10.0.0.1")
        }
    }

    @Test func paginationAndFilters() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            try await Self.createJob(monitor, ["job_id": "other", "schedule": "@daily"])
            for index in 0..<25 {
                _ = try await monitor.request("POST", "/jobs/\(index % 5 == 0 ? "other" : "data_sync")/start")
                monitor.clock.advance(by: 60)
            }
            _ = try await monitor.request("POST", "/jobs/other/end", json: ["exit_code": 1])
            let page = try await monitor.request("GET", "/job_runs?job_id=data_sync&page=2&per_page=7").object()
            #expect(page["total"] as? Int == 20)
            let runs = try #require(page["job_runs"] as? [[String: Any]])
            #expect(runs.count == 7)
            let starts = runs.compactMap { $0["start_time"] as? String }
            #expect(starts == starts.sorted(by: >), "newest first")
            #expect(try await monitor.request("GET", "/job_runs?status=failed").object()["total"] as? Int == 1)
            let window = try await monitor.request(
                "GET", "/job_runs?since=2026-11-28T06:10:00Z&until=2026-11-28T06:15:00.000Z"
            ).object()
            #expect(window["total"] as? Int == 5)
            let last = try await monitor.request("GET", "/job_runs?page=99").object()
            #expect((last["job_runs"] as? [Any])?.isEmpty == true)
            #expect(last["total"] as? Int == 25)
        }
    }

    @Test(arguments: [
        ("/job_runs?per_page=501", "query parameter per_page must be a whole number from 1 to 500"),
        ("/job_runs?page=0", "query parameter page must be a whole number from 1 to 1000000"),
        ("/job_runs?status=done", "query parameter status must be one of running, succeeded, failed, found 'done'"),
        ("/job_runs?since=yesterday", "query parameter since must be an ISO 8601 instant such as 2026-11-28T06:00:00Z"),
        ("/job_runs?jobid=x", "unknown query parameter 'jobid'; expected page, per_page, job_id, status, since, until"),
        (
            "/alerts?type=late",
            "query parameter type must be one of missed_job, long_running, failed, too_fast, channel_failing, found 'late'"
        ),
        ("/alerts?resolved=yes", "query parameter resolved must be true or false, found 'yes'"),
    ])
    func badQueriesAre400(path: String, message: String) async throws {
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request("GET", path)
            #expect(response.status == 400)
            #expect(response.errorMessage == message)
        }
    }

    @Test func concurrentStartsAndEndsOfOneJobAreAllRecorded() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let count = 200
            let startStatuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await monitor.request(
                            "POST", "/jobs/data_sync/start", json: ["run_id": .string("run-\(index)")]
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(startStatuses.allSatisfy { $0 == 201 })
            let ended = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        try await monitor.request("POST", "/jobs/data_sync/end").object()["run_id"] as? String
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(Set(ended.compactMap { $0 }).count == count, "each end closed a different open run")
            let summary = try await monitor.request("GET", "/job_runs?per_page=1").object()
            #expect(summary["total"] as? Int == count)
            #expect(try await monitor.request("GET", "/job_runs?status=running").object()["total"] as? Int == 0)
        }
    }

    @Test func aRestartKeepsEverything() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        try await LiveMonitor.with(databasePath: path) { monitor in
            try await Self.createJob(monitor)
            _ = try await monitor.request("POST", "/jobs/data_sync/start", json: ["run_id": "before-restart"])
        }
        try await LiveMonitor.with(databasePath: path) { monitor in
            #expect(try await monitor.request("GET", "/jobs/data_sync").status == 200)
            let end = try await monitor.request("POST", "/jobs/data_sync/end").object()
            #expect(end["run_id"] as? String == "before-restart")
        }
    }
}
