import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import Testing

/// The Healthchecks ping grammar of DESIGN.md §10.1 and the idempotent run events of
/// §10.2, over real HTTP; every answer is checked against the OpenAPI document.
@Suite struct PingsAPITests {
    static let uuid = "5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f"
    static let key = "ping-key-0123456789abcdef"

    static func withMonitor<T: Sendable>(
        _ job: JSONValue = ["job_id": "backup", "schedule": "0 * * * *", "ping_uuid": .string(PingsAPITests.uuid)],
        _ body: @Sendable (LiveMonitor) async throws -> T
    ) async throws -> T {
        var configuration = ServerConfiguration()
        configuration.pingKey = key
        return try await LiveMonitor.with(configuration: configuration) { monitor in
            let created = try await monitor.request("POST", "/jobs", json: job)
            #expect(created.status == 201, "\(created.text)")
            return try await body(monitor)
        }
    }

    static func runs(_ monitor: LiveMonitor) async throws -> [[String: Any]] {
        try await monitor.request("GET", "/job_runs?job_id=backup&per_page=100").object()["job_runs"]
            as? [[String: Any]] ?? []
    }

    @Test(arguments: ["GET", "HEAD", "POST"])
    func everyFormOfTheGrammar(method: String) async throws {
        try await Self.withMonitor { monitor in
            func ping(_ path: String) async throws {
                let answer = try await monitor.request(method, path)
                #expect(answer.status == 200, "\(method) \(path): \(answer.status) \(answer.text)")
                #expect(answer.headers["ping-body-limit"] == "100000")
                #expect(answer.headers["content-type"] == "text/plain; charset=utf-8")
                #expect(answer.text == (method == "HEAD" ? "" : "OK"))
            }
            let base = "/ping/\(Self.uuid)"
            try await ping("\(base)/start?rid=r1")
            try await ping("\(base)?rid=r1")
            try await ping("\(base)/start?rid=r2")
            try await ping("\(base)/fail?rid=r2")
            try await ping("\(base)/start?rid=r3")
            try await ping("\(base)/3?rid=r3")
            try await ping("\(base)/0")
            try await ping("/ping/\(Self.key)/backup/start?rid=r4")
            try await ping("/ping/\(Self.key)/backup/log?rid=r4")
            try await ping("/ping/\(Self.key)/backup/7?rid=r4")
            try await ping("/ping/\(Self.key)/backup?rid=r5")
            try await ping("\(base)/log")
            let runs = Dictionary(
                uniqueKeysWithValues: try await Self.runs(monitor).map { ($0["run_id"] as? String ?? "", $0) })
            #expect(runs.count == 6, "r1-r5 and the run of /0 without a rid; /log changes no state")
            #expect(runs["r1"]?["status"] as? String == "succeeded")
            #expect(runs["r2"]?["status"] as? String == "failed")
            #expect(runs["r3"]?["exit_code"] as? Int == 3)
            #expect(runs["r4"]?["exit_code"] as? Int == 7)
            #expect(runs["r5"]?["status"] as? String == "succeeded")
            #expect(runs["r5"]?["start_time"] is NSNull, "a success ping alone is an end without a start")
        }
    }

    @Test func aBodyOverTheLimitIsKeptToTheLimitAndAnswered200() async throws {
        try await Self.withMonitor { monitor in
            let body = Data((0..<150_000).map { UInt8(ascii: "a") + UInt8($0 % 26) })
            let answer = try await monitor.request("POST", "/ping/\(Self.uuid)/1?rid=big", body: body)
            #expect(answer.status == 200)
            #expect(answer.text == "OK")
            let run = try await monitor.request("GET", "/job_runs/big").object()
            #expect(run["output_bytes"] as? Int == 150_000)
            #expect(run["output_truncated"] as? Bool == true)
            #expect((run["output"] as? String)?.utf8.count == 100_000)
            let output = try await monitor.request("GET", "/job_runs/big/output")
            #expect(output.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(output.headers["output-bytes"] == "150000")
            #expect(output.body == body.prefix(100_000))
            // The JSON routes keep their 413 for JSON bodies.
            let json = try await monitor.request(
                "POST", "/jobs/backup/end", body: Data(repeating: 0x20, count: 70_000),
                headers: ["Content-Type": "application/json"])
            #expect(json.status == 413)
        }
    }

    @Test func outputOfSeveralPingsJoinsInOrderAndHTMLStaysText() async throws {
        try await Self.withMonitor { monitor in
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/start?rid=r", body: Data("starting\n".utf8))
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/log?rid=r", body: Data("<b>half</b>\n".utf8))
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/0?rid=r", body: Data("done\n".utf8))
            let output = try await monitor.request("GET", "/job_runs/r/output")
            #expect(output.text == "starting\n<b>half</b>\ndone\n")
            let page = try await monitor.request("GET", "/ui/jobs/backup")
            #expect(page.text.contains("&lt;b&gt;half&lt;/b&gt;"), "shown escaped on the job page")
            #expect(!page.text.contains("<b>half</b>"))
        }
    }

    @Test func unknownUUIDsKeysAndJobsAre404AndRecordNothing() async throws {
        try await Self.withMonitor { monitor in
            for path in [
                "/ping/5f2b1c1e-9a7d-4c1e-8f3a-000000000000", "/ping/5f2b1c1e-9a7d-4c1e-8f3a-000000000000/start",
                "/ping/not-a-uuid", "/ping/wrong-key-0123456789abcd/backup", "/ping/\(Self.key)/nosuchjob/start",
            ] {
                let answer = try await monitor.request("GET", path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.text == "not found")
                #expect(answer.headers["ping-body-limit"] == "100000")
            }
            #expect(try await Self.runs(monitor).isEmpty)
        }
    }

    @Test func theSlugFormNeedsAKeyOnTheServer() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "backup", "schedule": "@daily"])
            #expect(try await monitor.request("GET", "/ping/\(Self.key)/backup").status == 404)
        }
    }

    @Test func badExitStatusesAndRunIDsAre400() async throws {
        try await Self.withMonitor { monitor in
            let tooHigh = try await monitor.request("GET", "/ping/\(Self.uuid)/256")
            #expect(tooHigh.status == 400)
            #expect(tooHigh.text == "the exit status must be from 0 to 255, found 256")
            let slug = try await monitor.request("GET", "/ping/\(Self.key)/backup/minus")
            #expect(slug.status == 400)
            #expect(slug.text == "'minus' is not start, fail, log or an exit status 0-255")
            let rid = try await monitor.request("GET", "/ping/\(Self.uuid)?rid=a%20b")
            #expect(rid.status == 400)
            #expect(rid.text.hasPrefix("rid: run id 'a b'"), "\(rid.text)")
            #expect(try await Self.runs(monitor).isEmpty)
        }
    }

    /// Two runs of one job overlap; `rid` pairs each end with its own start, whatever
    /// the order they end in.
    @Test func ridPairsOverlappingRuns() async throws {
        try await Self.withMonitor { monitor in
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/start?rid=first")
            monitor.clock.advance(by: 60)
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/start?rid=second")
            monitor.clock.advance(by: 60)
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/9?rid=second")
            monitor.clock.advance(by: 60)
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)?rid=first")
            let first = try await monitor.request("GET", "/job_runs/first").object()
            let second = try await monitor.request("GET", "/job_runs/second").object()
            #expect(first["status"] as? String == "succeeded")
            #expect(first["duration"] as? Double == 3)
            #expect(second["status"] as? String == "failed")
            #expect(second["exit_code"] as? Int == 9)
            #expect(second["duration"] as? Double == 1)
        }
    }

    @Test func theSameEventTwiceChangesNothing() async throws {
        try await Self.withMonitor { monitor in
            for _ in 0..<2 {
                _ = try await monitor.request("POST", "/ping/\(Self.uuid)/start?rid=once", body: Data("begin\n".utf8))
            }
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/4?rid=once")
            monitor.clock.advance(by: 60)
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/0?rid=once")
            let runs = try await Self.runs(monitor)
            #expect(runs.count == 1)
            #expect(runs.first?["exit_code"] as? Int == 4, "the second end changed nothing")
            let output = try await monitor.request("GET", "/job_runs/once/output")
            #expect(output.text == "begin\n", "the repeated start added no output")
            let alerts = try await monitor.request("GET", "/alerts?job_id=backup").object()["alerts"] as? [Any]
            #expect(alerts?.count == 1, "one failed alert, not resolved by the repeated end")
        }
    }

    @Test func aStartAfterItsEndJoinsTheRunWithoutReopeningIt() async throws {
        try await Self.withMonitor { monitor in
            _ = try await monitor.request("POST", "/ping/\(Self.uuid)/0?rid=late", headers: ["User-Agent": "a"])
            monitor.clock.advance(by: 1)
            let start = try await monitor.request(
                "POST", "/ping/\(Self.uuid)/start?rid=late",
                headers: ["Cronicle-Client-Info": #"{"hostname": "worker-7"}"#])
            #expect(start.status == 200)
            let runs = try await Self.runs(monitor)
            #expect(runs.count == 1)
            #expect(runs.first?["status"] as? String == "succeeded")
            #expect(runs.first?["start_time"] is NSNull)
            #expect((runs.first?["client_info"] as? [String: Any])?["hostname"] as? String == "worker-7")
            let status = try await monitor.request("GET", "/jobs/backup/status").object()
            #expect(status["status"] as? String == "ok", "not running again")
        }
    }

    @Test func theJSONRoutesTakeQueryParametersAndPlainTextOutput() async throws {
        try await Self.withMonitor { monitor in
            let start = try await monitor.request(
                "POST", "/jobs/backup/start?run_id=q1", body: Data(), headers: ["Content-Type": "text/plain"])
            #expect(start.status == 201)
            let end = try await monitor.request(
                "POST", "/jobs/backup/end?run_id=q1&exit_code=2&message=disk%20full", body: Data("no space\n".utf8),
                headers: ["Content-Type": "text/plain"])
            #expect(end.status == 200)
            let run = try await monitor.request("GET", "/job_runs/q1").object()
            #expect(run["status"] as? String == "failed")
            #expect(run["exit_code"] as? Int == 2)
            #expect(run["message"] as? String == "disk full")
            #expect(run["output"] as? String == "no space\n")
            let bad = try await monitor.request("POST", "/jobs/backup/end?exit_code=two")
            #expect(bad.status == 400)
            #expect(
                bad.errorMessage == "query parameter exit_code must be a whole number from -2147483648 to 2147483647")
            // The JSON body of DESIGN.md §5 works as before, and an end alone (a heartbeat from
            // a client library) keeps the client_info it sends.
            let json = try await monitor.request(
                "POST", "/jobs/backup/end", json: ["exit_code": 0, "client_info": ["hostname": "worker-3"]])
            #expect(json.status == 200)
            #expect((try json.object()["client_info"] as? [String: Any])?["hostname"] as? String == "worker-3")
            let stored = try await Self.runs(monitor).first
            #expect((stored?["client_info"] as? [String: Any])?["hostname"] as? String == "worker-3")
        }
    }

    /// What runitor 1.x sends (its source: POST, `text/plain`, `rid`, its User-Agent, the
    /// output's tail as the body of the exit-status ping).
    @Test func runitorsRequestsAsItSendsThem() async throws {
        try await Self.withMonitor { monitor in
            let agent = "runitor/v1.3.0 (+https://bdd.fi/x/runitor)"
            let rid = "9d3a8f2e-6c1b-4b7a-9e2d-1f0c3b5a7d9e"
            let headers = ["User-Agent": agent, "Content-Type": "text/plain"]
            let start = try await monitor.request(
                "POST", "/ping/\(Self.uuid)/start?rid=\(rid)", body: Data(), headers: headers)
            #expect(start.status == 200)
            #expect(start.headers["ping-body-limit"] == "100000", "runitor reads it to size its tail")
            let end = try await monitor.request(
                "POST", "/ping/\(Self.uuid)/0?rid=\(rid)", body: Data("backup done\n".utf8), headers: headers)
            #expect(end.status == 200)
            let run = try await monitor.request("GET", "/job_runs/\(rid)").object()
            #expect(run["status"] as? String == "succeeded")
            #expect(run["user_agent"] as? String == agent)
            #expect(run["output"] as? String == "backup done\n")
        }
    }

    @Test func everyJobHasAPingURLThatSurvivesUpdatesAndRestarts() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let first: String = try await LiveMonitor.with(databasePath: path) { monitor in
            let created = try await monitor.request("POST", "/jobs", json: ["job_id": "x", "schedule": "@daily"])
            let job = try created.object()
            let uuid = try #require(job["ping_uuid"] as? String)
            #expect(job["ping_url"] as? String == "http://127.0.0.1:\(monitor.port)/ping/\(uuid)")
            let updated = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "x", "schedule": "@hourly", "description": "now hourly"])
            #expect(try updated.object()["ping_uuid"] as? String == uuid)
            #expect(try await monitor.request("GET", "/ping/\(uuid)").status == 200)
            return uuid
        }
        try await LiveMonitor.with(databasePath: path) { monitor in
            let job = try await monitor.request("GET", "/jobs/x").object()
            #expect(job["ping_uuid"] as? String == first)
            let ping = try await monitor.request("GET", "/ping/\(first)")
            #expect(ping.status == 200)
        }
    }

    /// An apply that gives a job the ping uuid of a job it does not own fails whole.
    @Test func anApplyThatReusesAPingUUIDChangesNothing() async throws {
        try await Self.withMonitor { monitor in
            let files: JSONValue = .array([
                .object([
                    "path": "jobs.d/a.yaml",
                    "contents": .string(
                        "job_id: a\nschedule: \"@daily\"\n---\njob_id: b\nevery: 1h\nping_uuid: \(Self.uuid)\n"),
                ])
            ])
            let response = try await monitor.request("POST", "/sync/apply", json: SyncAPITests.body(files))
            #expect(response.status == 422 && response.errorCode == "sync_failed", "\(response.text)")
            let plan = try response.object()["plan"] as? [String: Any]
            let conflicts = plan?["conflicts"] as? [[String: Any]]
            #expect(
                conflicts?.map { $0["message"] as? String } == [
                    "ping_uuid \(Self.uuid) is already the ping URL of job 'backup'; each job needs its own: give 'b' "
                        + "another at jobs.d/a.yaml:4, or leave ping_uuid out to have one generated"
                ])
            #expect(try await monitor.store.jobs().map(\.jobID) == ["backup"], "neither a nor b was applied")
        }
    }

    @Test func aPingUUIDAnotherJobHasIsRefusedInWords() async throws {
        try await Self.withMonitor { monitor in
            let taken = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "other", "schedule": "@daily", "ping_uuid": .string(Self.uuid)])
            #expect(taken.status == 409)
            #expect(
                taken.errorMessage
                    == "ping_uuid \(Self.uuid) is already the ping URL of job 'backup'; each job needs its own: give "
                    + "'other' another, or leave ping_uuid out to have one generated")
            #expect(try await monitor.request("GET", "/jobs/other").status == 404, "nothing half-written")
            let bad = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "other", "schedule": "@daily", "ping_uuid": "nope"])
            #expect(bad.status == 400)
            let both = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "other", "schedule": "@daily", "every": "1h"])
            #expect(both.errorMessage == "every: a job has either a schedule or every, not both: remove one")
            let zero = try await monitor.request("POST", "/jobs", json: ["job_id": "other", "every": "0s"])
            #expect(zero.status == 400)
            let expect = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "other", "schedule": "@daily", "expect": "finish"])
            #expect(expect.errorMessage == "expect: must be start or end, found 'finish'")
        }
    }
}
