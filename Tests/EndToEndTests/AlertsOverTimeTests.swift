import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The alert engine in `cronicle serve`, in real time and over HTTP, with second-level
/// tolerances: each alert appears within a second of its deadline.
@Suite struct AlertsOverTimeTests {
    static func call(_ port: String, _ method: String, _ path: String, _ json: String? = nil) async throws -> Any {
        let response = try await ContractClient(port: port).request(method, path, body: json.map { Data($0.utf8) })
        return try JSONSerialization.jsonObject(with: response.body)
    }

    static func alerts(_ port: String, _ query: String) async throws -> [[String: Any]] {
        let page = try await call(port, "GET", "/alerts?\(query)") as? [String: Any]
        return page?["alerts"] as? [[String: Any]] ?? []
    }

    /// Polls until an alert matches `query`, for at most `timeout`.
    static func waitForAlert(_ port: String, _ query: String, timeout: Duration) async throws -> [String: Any]? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let alert = try await alerts(port, query).first { return alert }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    static func date(_ value: Any?) -> Date? { (value as? String).flatMap(Timestamp.parse) }

    @Test func longRunningAndMissedAlertsAppearWithinASecondOfTheirDeadlines() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct("cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        // The job fires every minute; a start 5 s early would count for the coming one, so
        // the job is made in the first 50 s of a minute and its first fire time goes unmet.
        while Calendar.current.component(.second, from: Date()) >= 50 { try await Task.sleep(for: .milliseconds(200)) }
        _ = try await Self.call(
            port, "POST", "/jobs",
            #"{"job_id": "e2e", "schedule": "* * * * *", "tolerance": "5s", "max_runtime": "3s"}"#)

        let run = try #require(try await Self.call(port, "POST", "/jobs/e2e/start") as? [String: Any])
        let runID = try #require(run["run_id"] as? String)
        let started = try #require(Self.date(run["start_time"]))
        // Seen within 30 s: on a loaded machine the reads that look can lag; the alert's own
        // created_at must still be within a second of the deadline.
        let long = try #require(
            try await Self.waitForAlert(port, "job_id=e2e&type=long_running", timeout: .seconds(30)))
        #expect(long["run_id"] as? String == runID)
        let longLatency = try #require(Self.date(long["created_at"])).timeIntervalSince(started) - 3
        #expect(longLatency >= 0 && longLatency < 1, "long_running raised \(longLatency) s after its deadline")
        _ = try await Self.call(port, "POST", "/jobs/e2e/end", #"{"run_id": "\#(runID)"}"#)
        let resolved = try await Self.alerts(port, "job_id=e2e&type=long_running&resolved=true")
        #expect(resolved.count == 1)

        let missed = try #require(
            try await Self.waitForAlert(port, "job_id=e2e&type=missed_job", timeout: .seconds(70)))
        let fireTime = try #require(Self.date(missed["fire_time"]))
        let missedLatency = try #require(Self.date(missed["created_at"])).timeIntervalSince(fireTime) - 5
        #expect(missedLatency >= 0 && missedLatency < 1, "missed_job raised \(missedLatency) s after its deadline")
        #expect(missed["missed_count"] as? Int == 1)
        let status = try #require(try await Self.call(port, "GET", "/jobs/e2e/status") as? [String: Any])
        #expect(status["status"] as? String == "missed")

        _ = try await Self.call(port, "POST", "/jobs/e2e/start")
        #expect(try await Self.alerts(port, "job_id=e2e&resolved=false").isEmpty)
        #expect(try await server.stop(signal: SIGTERM) == 0)
    }

    /// `every: 3s` (DESIGN.md §10.3): pings through the Healthchecks grammar keep it quiet;
    /// when they stop, missed_job opens 3 s plus the tolerance (3 s) after the last one.
    /// Pings every second leave 5 s of slack for a busy CI machine (with 3 s, a test task
    /// not scheduled for a while on a loaded run let the job be missed while pinging).
    @Test func anIntervalJobIsMissedInRealTimeWhenItsPingsStop() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct("cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let job = try #require(
            try await Self.call(port, "POST", "/jobs", #"{"job_id": "beat", "every": "3s", "tolerance": "3s"}"#)
                as? [String: Any])
        let pingURL = try #require(job["ping_url"] as? String)
        let path = try #require(URL(string: pingURL)?.path)
        for _ in 0..<4 {
            let answer = try await ContractClient(port: port).request("GET", path)
            #expect(answer.status == 200)
            try await Task.sleep(for: .seconds(1))
        }
        // Pings every second meet every: 3s, unless this test was not scheduled for over 6 s
        // (a loaded CI machine): then the server rightly saw a gap, which its runs show.
        let pings = try #require(try await Self.call(port, "GET", "/job_runs?job_id=beat") as? [String: Any])
        let times = ((pings["job_runs"] as? [[String: Any]]) ?? []).compactMap { Self.date($0["end_time"]) }.sorted()
        let widestGap = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
        #expect(
            try await Self.alerts(port, "job_id=beat").isEmpty || widestGap > 6,
            "an alert while pinging, with at most \(widestGap) s between pings")
        let missed = try #require(
            try await Self.waitForAlert(port, "job_id=beat&type=missed_job&resolved=false", timeout: .seconds(12)))
        // The deadline counts from when the server recorded the last ping (a success ping:
        // a run with an end and no start).
        let runs = try #require(try await Self.call(port, "GET", "/job_runs?job_id=beat&per_page=1") as? [String: Any])
        let last = try #require((runs["job_runs"] as? [[String: Any]])?.first)
        let lastPing = try #require(Self.date(last["end_time"]))
        let latency = try #require(Self.date(missed["created_at"])).timeIntervalSince(lastPing) - 6
        #expect(latency >= 0 && latency < 1, "missed_job raised \(latency) s after its deadline")
        let status = try #require(try await Self.call(port, "GET", "/jobs/beat/status") as? [String: Any])
        #expect(status["status"] as? String == "missed")
        let resolving = try await ContractClient(port: port).request("POST", path)
        #expect(resolving.status == 200)
        // That incident is resolved (a new one may open 6 s later on a busy machine: the job
        // is silent again).
        let resolved = try await Self.alerts(port, "job_id=beat&resolved=true")
        #expect(
            resolved.contains { $0["id"] as? Int == missed["id"] as? Int }, "the next ping resolves it: \(resolved)")
        #expect(try await server.stop(signal: SIGTERM) == 0)
    }
}
