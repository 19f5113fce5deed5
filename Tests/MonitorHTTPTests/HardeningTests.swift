import Config
import CronicleTestSupport
import Foundation
import MonitorTestSupport
import NIOCore
import Testing

@testable import MonitorDomain
@testable import MonitorEngine
@testable import MonitorHTTP
@testable import MonitorStorage
@testable import SyncClient

#if canImport(Glibc)
    import Glibc
#endif

/// The attacks and faults of the hardening review, each reproduced against a live
/// server: what the monitor answers, and that nothing was recorded by mistake.
@Suite(.serialized) struct HardeningTests {
    static func createJob(_ monitor: LiveMonitor, _ id: String = "backup", maxRuntime: Int? = nil) async throws {
        var body: JSONValue = ["job_id": .string(id), "schedule": "@daily"]
        if let maxRuntime { body = body.setting("max_runtime", .number(JSONNumber(Double(maxRuntime)))) }
        #expect(try await monitor.request("POST", "/jobs", json: body).status == 201)
    }

    static func nested(depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    // MARK: - JSON

    @Test func deeplyNestedJSONIsRefusedFastWithA400() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            // Before: ~1 s of CPU for one such body; ten of them took 8.4 s.
            let body = Data("{\"client_info\": {\"deep\": \(Self.nested(depth: 500))}}".utf8)
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                for _ in 0..<10 {
                    let response = try await monitor.request("POST", "/jobs/backup/start", body: body)
                    #expect(response.status == 400)
                    #expect(response.errorCode == "malformed_json")
                    #expect(response.errorMessage?.contains("nests deeper than 64 levels") == true)
                }
            }
            // Compared with bodies of the same size that nest nothing, measured in the same
            // run (a loaded CI machine slows both, and an absolute bound failed CI at 7.9 s):
            // the old parser took about a second a body. Today a deep body still costs about
            // ten flat ones in a debug build (0.38 s against 0.04 s; not yet explained, the
            // parser stops at depth 64), so the bound is twenty, which the old parser broke.
            let flat = Data("{\"client_info\": {\"pad\": \"\(String(repeating: "x", count: body.count))\"}}".utf8)
            let flatElapsed = try await clock.measure {
                for _ in 0..<10 {
                    let response = try await monitor.request("POST", "/jobs/nope/start", body: flat)
                    #expect(response.status == 404)
                }
            }
            #expect(
                elapsed < flatElapsed * 20 + .seconds(2),
                "ten depth-500 bodies took \(elapsed), ten flat ones of the same size \(flatElapsed)")
            // The same for a job that does not exist: the body is parsed before the job is looked up.
            let unknown = try await monitor.request("POST", "/jobs/nope/start", body: body)
            #expect(unknown.status == 400)
            #expect(try await monitor.store.runs(RunQuery()).total == 0)
            // Nesting within the limit is kept as sent.
            let fine = try await monitor.request(
                "POST", "/jobs/backup/start", body: Data("{\"client_info\": {\"d\": \(Self.nested(depth: 60))}}".utf8))
            #expect(fine.status == 201)
        }
    }

    @Test func parsingCostsTimeLinearInTheBody() throws {
        // Wide, shallow JSON of 1 and 2 MB: one pass, no retries per level. Twice the body
        // must cost under 3.5 times the time (quadratic parsing would take four); the best
        // of five runs each, taken in turns. Timed in this thread's CPU time, not the wall
        // clock's: other suites (browsers, PostgreSQL, served nodes) share the two cores, and
        // a burst of theirs landing on one size only once failed the wall-clock check in CI.
        func body(_ count: Int) -> String {
            "[" + Array(repeating: "{\"a\": [1, 2.5, \"x\", true, null]}", count: count).joined(separator: ",") + "]"
        }
        func threadTime() -> Duration {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
        }
        func measure(_ text: String, expecting count: Int) throws -> Duration {
            var value: JSONValue = .null
            let started = threadTime()
            value = try JSONValue(parsing: text.utf8)
            let took = threadTime() - started
            if case .array(let items) = value, items.count == count { return took }
            Issue.record("not an array of \(count)")
            return took
        }
        let (small, large) = (body(30_000), body(60_000))
        var (one, two) = (Duration.seconds(3600), Duration.seconds(3600))
        for _ in 0..<5 {
            one = min(one, try measure(small, expecting: 30_000))
            two = min(two, try measure(large, expecting: 60_000))
        }
        #expect(two < one * 3.5, "1 MB took \(one), 2 MB \(two)")
        #expect(two < .seconds(20), "2 MB took \(two)")
    }

    @Test(arguments: [
        (
            "{\"run_id\": \"a\", \"run_id\": \"b\"}",
            "the field \"run_id\" appears twice in one object (line 1, column 17)"
        ),
        ("{\"a\": 1} x", "unexpected text after the JSON value (line 1, column 10)"),
        ("{\"a\": 01}", "a number must not start with 0 (line 1, column 8)"),
        ("{\"a\": \"\\q\"}", "\\q is not a JSON escape"),
        ("{\"a\": \"\\ud800\"}", "is half of a surrogate pair"),
        ("{\"a\": 1e999}", "the number 1e999 is too large"),
        ("{\"a\": \"tab\there\"}", "a control character 0x9 inside a string must be escaped"),
    ])
    func strictJSONNamesTheProblem(body: String, message: String) async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let response = try await monitor.request("POST", "/jobs/backup/start", body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.errorMessage?.contains(message) == true, "\(response.text)")
            #expect(try await monitor.store.runs(RunQuery()).total == 0)
        }
    }

    @Test func largeNumbersInClientInfoComeBackAsSent() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let body =
                #"{"client_info": {"id": 123456789012345678901234567890, "n": 12345678901234567, "f": 0.1, "e": 1E+2}}"#
            let start = try await monitor.request("POST", "/jobs/backup/start", body: Data(body.utf8))
            #expect(start.status == 201)
            for text in [start.text, try await monitor.request("GET", "/job_runs").text] {
                #expect(text.contains(#""id":123456789012345678901234567890"#), "\(text)")
                #expect(text.contains(#""n":12345678901234567"#))
                #expect(text.contains(#""f":0.1"#))
                #expect(text.contains(#""e":1E+2"#))
            }
        }
    }

    @Test func aNULInATextFieldIsRefusedNotCut() async throws {
        try await LiveMonitor.with { monitor in
            let response = try await monitor.request(
                "POST", "/jobs",
                body: Data(#"{"job_id": "a", "schedule": "@daily", "description": "before\u0000after"}"#.utf8))
            #expect(response.status == 400)
            #expect(response.errorMessage == "description: must not contain the NUL character (\\u0000)")
            #expect(try await monitor.store.jobs().isEmpty)
        }
    }

    // MARK: - Hosts, tokens, proxies

    @Test func requestsForOtherNamesAreRefusedAgainstDNSRebinding() async throws {
        var configuration = ServerConfiguration()
        configuration.allowedHosts = ["monitor.example.com"]
        try await LiveMonitor.with(configuration: configuration) { monitor in
            try await Self.createJob(monitor)
            func status(_ host: String, _ method: String = "GET", _ path: String = "/jobs") async throws -> (
                Int, String
            ) {
                let connection = try RawConnection(port: monitor.port)
                try connection.send("\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 0\r\n\r\n")
                let response = try await connection.readResponse()
                return (response.status, response.body)
            }
            let (refused, body) = try await status("rebind.attacker.example:\(monitor.port)")
            #expect(refused == 403)
            #expect(body.contains("does not answer to the name 'rebind.attacker.example'"))
            #expect(body.contains("--allowed-host rebind.attacker.example"))
            #expect(try await status("rebind.attacker.example", "POST", "/jobs/backup/pause").0 == 403)
            #expect(try await status("rebind.attacker.example", "GET", "/").0 == 403)
            #expect(try await monitor.store.job("backup")?.definition.paused == false)
            for allowed in [
                "localhost:\(monitor.port)", "127.0.0.1:\(monitor.port)", "[::1]:\(monitor.port)", "LOCALHOST",
                "monitor.example.com", "10.1.2.3",
            ] {
                #expect(try await status(allowed).0 == 200, "\(allowed)")
            }
        }
    }

    @Test func theTokenIsComparedWholeAndAnEmptyOneIsRefused() throws {
        let token = Array(repeating: UInt8(ascii: "a"), count: 10)
        #expect(AccessGuard.constantTimeEqual(token, token))
        // Folded into a byte, lengths 256 apart compared equal.
        #expect(!AccessGuard.constantTimeEqual(token, token + Array(repeating: 0, count: 256)))
        #expect(!AccessGuard.constantTimeEqual([], Array(repeating: 0, count: 256)))
        #expect(!AccessGuard.constantTimeEqual(token, Array(token.dropLast())))

        for environment in [["CRONICLE_API_TOKEN": ""], ["CRONICLE_API_TOKEN": "  "]] {
            var configuration = ServerConfiguration()
            configuration.host = "0.0.0.0"
            #expect(throws: ServerConfiguration.Problem.self) {
                try configuration.apply(environment: environment)
                try configuration.validate()
            }
        }
        var flag = ServerConfiguration()
        flag.host = "0.0.0.0"
        flag.apiToken = ""
        #expect(throws: ServerConfiguration.Problem.self) { try flag.validate() }
        do {
            try flag.validate()
        } catch {
            #expect(error.description.contains("the API token is empty"))
        }
    }

    @Test func behindAProxyTheAddressIsTheOneTheProxyAppended() async throws {
        var configuration = ServerConfiguration()
        configuration.trustProxy = true
        try await LiveMonitor.with(configuration: configuration) { monitor in
            try await Self.createJob(monitor)
            func start(_ forwarded: String) async throws -> String? {
                let response = try await monitor.request(
                    "POST", "/jobs/backup/start", headers: ["X-Forwarded-For": forwarded])
                return try response.object()["remote_addr"] as? String
            }
            // The client wrote the first entry; the proxy appended the last.
            #expect(try await start("6.6.6.6, 203.0.113.9") == "203.0.113.9")
            #expect(try await start("2001:db8::1") == "2001:db8::1")
            // Not an address: the connection's own is kept.
            #expect(try await start("<script>, not-an-ip") == "127.0.0.1")
        }
    }

    @Test func percentEncodedJobIdsAreDecoded() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor, "db.backup")
            #expect(try await monitor.request("POST", "/jobs/db%2Ebackup/start").status == 201)
            #expect(try await monitor.request("GET", "/jobs/db%2ebackup").status == 200)
        }
    }

    @Test func answersCarryNosniffAndAReferrerPolicy() async throws {
        try await LiveMonitor.with { monitor in
            for path in ["/jobs", "/", "/no-such-route"] {
                let response = try await monitor.request("GET", path)
                #expect(response.headers["x-content-type-options"] == "nosniff", "\(path)")
                #expect(response.headers["referrer-policy"] == "same-origin", "\(path)")
            }
        }
    }

    @Test func offsetsOutsideRealZonesAreRefused() async throws {
        try await LiveMonitor.with { monitor in
            let bad = try await monitor.request("GET", "/job_runs?since=2026-11-28T06:00:00%2B99:99")
            #expect(bad.status == 400)
            let good = try await monitor.request("GET", "/job_runs?since=2026-11-28T06:00:00%2B05:30")
            #expect(good.status == 200)
        }
    }

    // MARK: - Open runs

    @Test func openRunsBeyondTheLimitAreClosedAndStatusReadsNoHistory() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor, maxRuntime: 30)
            let starts = 8 * 190
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<190 {
                            _ = try await monitor.store.startRun(jobID: "backup", RunStart())
                        }
                    }
                }
                try await group.waitForAll()
            }
            let open = try await monitor.store.runs(RunQuery(jobID: "backup", status: .running)).total
            #expect(open >= MonitorStore.openRunLimit)
            #expect(open < MonitorStore.openRunLimit + 200, "\(open) runs still open")
            let abandoned = try await monitor.store.runs(RunQuery(jobID: "backup", status: .failed))
            #expect(abandoned.total == starts - open)
            #expect(abandoned.items.first?.message?.hasPrefix("abandoned: more than 1000 runs") == true)
            // Status reads the oldest open run only, and still sees it pass max_runtime.
            #expect(try await monitor.store.status(jobID: "backup").state == .running)
            monitor.clock.advance(by: 31 * 60)
            #expect(try await monitor.store.status(jobID: "backup").state == .longRunning)
        }
    }

    // MARK: - Connections and streams

    @Test func connectionsBeyondTheLimitAreToldToComeBack() async throws {
        var configuration = ServerConfiguration()
        configuration.maxConnections = 3
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let held = try (0..<3).map { _ in try RawConnection(port: monitor.port) }
            // Each held connection is counted once its pipeline is set up.
            try await Task.sleep(for: .milliseconds(200))
            let extra = try RawConnection(port: monitor.port)
            try extra.send("GET /jobs HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let refused = try await extra.readResponse()
            #expect(refused.status == 503)
            #expect(refused.head.lowercased().contains("retry-after: 1"))
            #expect(refused.body.contains("3 connections open, its limit"))
            // A held connection still works, and once they close, new ones are served.
            try held[0].send("GET /jobs HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(try await held[0].readResponse().status == 200)
            _ = consume held
            // The server counts a connection out once it has seen it close; under load
            // that may take a moment, so the next request is retried for up to 5 s.
            var status = 0
            for _ in 0..<50 {
                status = try await monitor.request("GET", "/jobs").status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == 200)
        }
    }

    @Test func aBodyThatStopsHalfWayIsCutOffAtTheBodyTimeout() async throws {
        var configuration = ServerConfiguration()
        configuration.bodyTimeout = .seconds(1)
        try await LiveMonitor.with(configuration: configuration) { monitor in
            try await Self.createJob(monitor)
            // A connection the server never closed would be given up after 30 s: the bound below
            // tells a close at the body timeout from that, with room for a loaded machine (2
            // cores running browsers beside this test once closed it after 4 s).
            let connection = try RawConnection(port: monitor.port, receiveTimeout: 30)
            try connection.send(
                "POST /jobs/backup/start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"run_id\"")
            let clock = ContinuousClock()
            let started = clock.now
            _ = await connection.readUntilClosed()
            let waited = started.duration(to: clock.now)
            #expect(waited >= .milliseconds(800) && waited < .seconds(15), "closed after \(waited)")
            #expect(try await monitor.store.runs(RunQuery()).total == 0)
        }
    }

    @Test func liveEventReadersThatDoNotReadAreDroppedAndCapped() async throws {
        var configuration = ServerConfiguration()
        configuration.maxEventStreams = 150
        try await LiveMonitor.with(configuration: configuration) { monitor in
            try await Self.createJob(monitor)
            // 150 subscribers that never read what they are sent.
            let readers = try (0..<150).map { _ in
                let connection = try RawConnection(port: monitor.port)
                try connection.send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                return connection
            }
            // Each counts once its request is read; under load that takes a while.
            for _ in 0..<200 where monitor.events.openStreams < 150 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(monitor.events.openStreams == 150)
            let over = try RawConnection(port: monitor.port)
            try over.send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let refused = try await over.readResponse()
            #expect(refused.status == 503)
            #expect(refused.body.contains("150 live event streams are open"))
            _ = readers
        }
    }

    @Test func eventsPublishedBetweenFlushesGoOutAsOneWrite() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let events = LiveEvents(store: monitor.store, streamLimit: 4)
            let stream = try #require(events.stream())
            for _ in 0..<50 {
                let run = try await monitor.store.startRun(jobID: "backup", RunStart())
                _ = try await monitor.store.endRun(jobID: "backup", RunEnd(runID: run.run.runID))
            }
            events.flush()
            var messages: [String] = []
            for await message in stream {
                messages.append(String(buffer: message))
                if messages.count == 2 { break }
            }
            #expect(messages[0].contains("connected"))
            // 100 events, one write: each still its own `data:` line for the browser.
            #expect(messages[1].components(separatedBy: "data: ").count - 1 == 100)
            #expect(messages[1].components(separatedBy: "\"type\":\"run_started\"").count - 1 == 50)
        }
    }

    @Test func aStreamThatFallsBehindIsDroppedNotWaitedFor() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let events = LiveEvents(store: monitor.store, streamLimit: 4)
            let behind = try #require(events.stream())
            #expect(events.openStreams == 1)
            // 300 flushes of one run each: more than the 256 a stream holds for its reader.
            for _ in 0..<300 {
                let run = try await monitor.store.startRun(jobID: "backup", RunStart())
                _ = try await monitor.store.endRun(jobID: "backup", RunEnd(runID: run.run.runID))
                events.flush()
            }
            #expect(events.openStreams == 0)
            // The reader gets what was buffered, then the end of the stream (its browser reconnects).
            var received = 0
            for await _ in behind { received += 1 }
            #expect(received == 256)
        }
    }

    // MARK: - Sync and clock

    @Test func planningThroughTheServerNeedsTheTokenWhenOneIsSet() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "s3cret-token"
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let body = Data(#"{"files": [], "source": {}, "options": {}}"#.utf8)
            let refused = try await monitor.request("POST", "/sync/plan", body: body)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
        }
    }

    @Test func aClockThatStepsBackIsNoticedAtOnce() async throws {
        try await LiveMonitor.with { monitor in
            // A checked-through mark far in the future, as a clock that ran ahead leaves it.
            _ = try await monitor.store.recordDeadlines(
                [], runs: [], checkedThrough: monitor.clock.now.addingTimeInterval(30 * 86_400))
            try await Self.createJob(monitor, "never_runs")
            monitor.clock.advance(by: 86_400 + 120)
            let outcome = try await monitor.engine.evaluate()
            #expect(outcome.missedFireTimes == 1)
            #expect(try await monitor.store.status(jobID: "never_runs").state == .missed)
        }
    }

    @Test func aCatchUpAfterDowntimeIsOneIncidentPerJobAndPingsGoOn() async throws {
        try await LiveMonitor.with { monitor in
            // 30 jobs that fire every minute; the monitor was down for a week.
            let jobs = 30
            for index in 0..<jobs {
                _ = try await monitor.store.saveJob(JobDefinition(jobID: "minutely-\(index)", schedule: "* * * * *"))
            }
            _ = try await monitor.store.saveJob(JobDefinition(jobID: "pinger", schedule: "0 0 1 1 *"))
            try await monitor.engine.evaluate()
            monitor.clock.advance(by: 7 * 86_400)
            // Before: every missed fire time was two look-ups and one write in one transaction
            // per 500 jobs: 300 such jobs kept pings waiting for 37 s (153 s in a benchmark).
            let clock = ContinuousClock()
            async let catchUp = monitor.engine.evaluate()
            var slowest = Duration.zero
            var pings = 0
            for _ in 0..<40 {
                let started = clock.now
                _ = try await monitor.store.startRun(jobID: "pinger", RunStart())
                slowest = max(slowest, started.duration(to: clock.now))
                pings += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            let outcome = try await catchUp
            #expect(pings == 40)
            #expect(slowest < .seconds(1), "a ping waited \(slowest) behind the catch-up")
            let alerts = try await monitor.store.alerts(AlertQuery(kind: .missedJob, page: PageRequest(perPage: 500)))
                .items
            #expect(alerts.count == jobs, "one incident per job")
            #expect(alerts.allSatisfy { $0.missedCount == 7 * 1440 || $0.missedCount == 7 * 1440 - 1 })
            #expect(alerts.map(\.missedCount).reduce(0, +) == outcome.missedFireTimes)
            // Checked again (as after a crash), nothing is counted twice.
            #expect(try await monitor.engine.evaluate().missedFireTimes == 0)
        }
    }

    @Test func aStartDuringTheDowntimeSplitsTheIncidentItEnded() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.store.saveJob(JobDefinition(jobID: "minutely", schedule: "* * * * *"))
            try await monitor.engine.evaluate()
            monitor.clock.advance(by: 3 * 86_400 + 30)
            let start = try await monitor.store.startRun(jobID: "minutely", RunStart()).run.startTime!
            monitor.clock.advance(by: 4 * 86_400)
            let outcome = try await monitor.engine.evaluate()
            let alerts = try await monitor.store.alerts(AlertQuery(jobID: "minutely", kind: .missedJob)).items
                .sorted { $0.id < $1.id }
            try #require(alerts.count == 2)
            #expect(alerts[0].resolvedAt == start, "the start ended the first incident")
            #expect(alerts[0].lastFireTime! < start && start < alerts[1].fireTime!)
            #expect(alerts[1].resolvedAt == nil)
            #expect(alerts[0].missedCount + alerts[1].missedCount == outcome.missedFireTimes)
            // The start met the fire times around it: a week of minutes less those.
            #expect((7 * 1440 - 3)...(7 * 1440 - 1) ~= outcome.missedFireTimes)
        }
    }

    // MARK: - Protocol errors

    @Test func hugeURLsAndHeadersAreToldWhatWasWrong() async throws {
        try await LiveMonitor.with { monitor in
            let long = String(repeating: "a", count: 100_000)
            for request in [
                "GET /jobs?x=\(long) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /jobs HTTP/1.1\r\nHost: localhost\r\nX-Big: \(long)\r\n\r\n",
            ] {
                let connection = try RawConnection(port: monitor.port, receiveTimeout: 10)
                try connection.send(request)
                let answer = try await connection.readResponse()
                #expect(answer.status == 400)
                #expect(answer.head.lowercased().contains("content-type: application/json"))
                #expect(answer.body.contains("\"invalid_request\""))
                #expect(answer.body.contains("too large"), "the body said: \(answer.body)")
            }
            // Garbage that is not HTTP at all.
            let connection = try RawConnection(port: monitor.port, receiveTimeout: 10)
            try connection.send("\u{1}\u{2}\u{3} nonsense\r\n\r\n")
            let answer = try await connection.readResponse()
            #expect(answer.status == 400)
            #expect(answer.body.contains("not valid HTTP/1.1"))
        }
    }

    @Test func aKnownPathWithAnotherMethodIsA405ThatNamesTheMethods() async throws {
        try await LiveMonitor.with { monitor in
            let wrong = try await monitor.request("PUT", "/jobs")
            #expect(wrong.status == 405)
            #expect(wrong.errorCode == "method_not_allowed")
            #expect(wrong.headers["allow"]?.contains("GET") == true && wrong.headers["allow"]?.contains("POST") == true)
            let withParameter = try await monitor.request("GET", "/jobs/backup/start")
            #expect(withParameter.status == 405)
            #expect(withParameter.headers["allow"] == "POST")
            #expect(try await monitor.request("GET", "/nowhere").status == 404)
        }
    }

    @Test func aMalformedChunkSizeIsA400NotA500() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            let connection = try RawConnection(port: monitor.port, receiveTimeout: 10)
            try connection.send(
                "POST /jobs/backup/start HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            let answer = try await connection.readResponse()
            #expect(answer.status == 400, "answered \(answer.status): \(answer.body)")
            #expect(answer.body.contains("\"invalid_request\""))
            #expect(try await monitor.store.runs(RunQuery()).total == 0)
        }
    }

    @Test func theEndAnswersTheDurationItStored() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.createJob(monitor)
            monitor.clock.advance(by: 0.000_4567)
            let started = try await monitor.request("POST", "/jobs/backup/start")
            let runID = try #require(try started.object()["run_id"] as? String)
            monitor.clock.advance(by: 92.123_4567)
            let ended = try await monitor.request("POST", "/jobs/backup/end", json: ["run_id": .string(runID)])
            let listed = try await monitor.request("GET", "/job_runs?job_id=backup")
            let stored = try #require((try listed.object()["job_runs"] as? [[String: Any]])?.first)
            #expect(
                try ended.object()["duration"] as? Double == stored["duration"] as? Double,
                "\(ended.text) vs \(listed.text)")
            #expect(try ended.object()["end_time"] as? String == stored["end_time"] as? String)
        }
    }

    // MARK: - An apply whose answer is lost

    @Test func anApplySentAgainWithItsRequestIdIsNotAppliedTwice() async throws {
        try await LiveMonitor.with { monitor in
            let body = JSONValue.object([
                "source": ["repository": "https://git.example/jobs.git", "commit": "abc123"],
                "files": [["path": "jobs.d/a.yaml", "contents": "job_id: a\nschedule: \"@daily\"\n"]],
                "request_id": "apply-1",
            ])
            let first = try await monitor.request("POST", "/sync/apply", json: body)
            #expect(first.status == 200)
            let firstRecord = try #require(try first.object()["record"] as? [String: Any])
            #expect(firstRecord["created"] as? Int == 1)
            // The answer was lost; the client sends the same request again.
            let again = try await monitor.request("POST", "/sync/apply", json: body)
            #expect(again.status == 200, "\(again.text)")
            #expect(try again.object()["repeated"] as? Bool == true)
            let record = try #require(try again.object()["record"] as? [String: Any])
            #expect(record["id"] as? Int == firstRecord["id"] as? Int)
            #expect(record["created"] as? Int == 1)
            #expect(try await monitor.store.syncHistory().count == 1)
            // A new request id is a new apply (which changes nothing now).
            let next = try await monitor.request(
                "POST", "/sync/apply", json: body.setting("request_id", .string("apply-2")))
            #expect(try next.object()["repeated"] == nil)
            #expect(try await monitor.store.syncHistory().count == 2)
        }
    }

    @Test func theSyncClientSendsAnApplyAgainWhenTheConnectionFails() async throws {
        try await LiveMonitor.with { monitor in
            let relay = try TCPRelay(to: monitor.port)
            relay.cut()
            let client = MonitorServerClient(baseURL: URL(string: "http://127.0.0.1:\(relay.port)")!)
            let files = [
                DefinitionFile(path: "jobs.d/a.yaml", contents: Data("job_id: a\nschedule: \"@daily\"\n".utf8))
            ]
            async let report = client.apply(
                files: files, source: SyncSource(repository: "local"), options: SyncOptions())
            try await Task.sleep(for: .milliseconds(300))
            relay.restore()
            let applied = try await report
            #expect(applied.record?.created == 1)
            #expect(try await monitor.store.syncHistory().count == 1)
        }
    }
}
