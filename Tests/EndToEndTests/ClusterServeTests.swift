import CronicleTestSupport
import Foundation
import MonitorStoragePostgres
import MonitorTestSupport
import StorageTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `cronicle serve` processes on one PostgreSQL database, as an operator runs them
/// behind a load balancer: pings to any node, each alert raised once and delivered, a node
/// killed with `kill -9` in the middle of it all, and a node that joins later.
@Suite(
    .serialized,
    .enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable))
)
struct ClusterServeTests {
    /// Interval jobs that never ping: each misses its first deadline 4 s after the apply.
    static let quietJobs = 30

    static func serve(_ database: String, _ environment: [String: String]) throws -> (RunningProduct, String) {
        let server = try RunningProduct(
            "cronicle", ["serve", "--db", database, "--port", "0", "--shutdown-grace", "2s"], environment: environment)
        return (server, database)
    }

    static func listening(_ server: RunningProduct) async throws -> Int {
        try #require(
            try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)").flatMap { Int($0) },
            "the server did not start: \(server.standardError)")
    }

    static func object(_ port: Int, _ path: String) async throws -> [String: Any] {
        let answer = try await ServeFaultTests.send(port, "GET", path)
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
    }

    /// Starts `beat` runs, one node after the other, until stopped; answers how many were
    /// answered 201 (a node killed meanwhile answers nothing, which is not counted).
    final class Pinger: Sendable {
        let ports: Mutex<[Int]>
        let answered = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)

        init(ports: [Int]) { self.ports = Mutex(ports) }

        func run() async {
            var turn = 0
            while !stopped.load(ordering: .relaxed) {
                let targets = ports.withLock { $0 }
                turn += 1
                let port = targets[turn % targets.count]
                let status = try? await ServeFaultTests.send(port, "POST", "/jobs/beat/start").status
                if status == 201 {
                    answered.add(1, ordering: .relaxed)
                } else {
                    refused.add(1, ordering: .relaxed)
                }
                // A few hundred a second at most: a storm for the nodes, not for the other
                // suites running beside this one on the same cores.
                try? await Task.sleep(for: .milliseconds(3))
            }
        }
    }

    @Test func twoNodesRaiseEachAlertOnceDeliverItAndTheSurvivorTakesOverAKilledNode() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let password = try #require(url.password)
            let folder = try TemporaryFolder()
            try folder.write("jobs.d/channels.yaml", "channel: hook\ntype: webhook\nurl: ${env:HOOK_URL}\n")
            try folder.write("jobs.d/beat.yaml", "job_id: beat\nschedule: \"@daily\"\n")
            for index in 0..<Self.quietJobs {
                try folder.write(
                    "jobs.d/quiet-\(index).yaml",
                    "job_id: quiet-\(index)\nevery: 3s\ntolerance: 1s\nnotify: [hook]\n")
            }
            try await WebhookReceiver.with { receiver in
                let environment = ["HOOK_URL": "http://127.0.0.1:\(receiver.port)/hook"]
                let (first, _) = try Self.serve(url.connectionString, environment)
                let firstPort = try await Self.listening(first)
                let (second, _) = try Self.serve(url.connectionString, environment)
                let secondPort = try await Self.listening(second)
                let joined = try await second.waitForError(matching: "cluster: (joined as .*)")
                #expect(
                    joined?.contains(", ") == true, "the second node sees the first: \(joined ?? second.standardError)")

                let pinger = Pinger(ports: [firstPort, secondPort])
                let pinging = Task { await pinger.run() }
                // The jobs start being watched now: their deadlines pass in 4 s, while both
                // nodes take pings.
                let applied = try await ProductRunner.run(
                    "cronicle-sync", ["apply", "--source", "cluster", "--init", "--db", url.connectionString],
                    in: folder.path)
                #expect(applied.status == 0, "\(applied.standardError)")

                // Killed as the alerts begin (whichever node raised the first): the survivor
                // finishes what it left.
                for _ in 0..<1500 {
                    if (first.standardError + second.standardError).contains("alert_opened job=quiet") { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                pinger.ports.withLock { $0 = [secondPort] }
                // Sent while both nodes lived: never twice (each delivery is one node's).
                let sentBeforeTheKill = receiver.requests.compactMap { $0.headers["webhook-id"] }
                #expect(Set(sentBeforeTheKill).count == sentBeforeTheKill.count, "sent twice by live nodes")
                let answeredBeforeTheKill = pinger.answered.load(ordering: .relaxed)
                let killedAt = ContinuousClock.now
                #expect(try await first.stop(signal: SIGKILL) == SIGKILL)
                _ = try await second.waitForError(
                    matching: "(?m)cluster: (nodes now: [^,\\n]*)$", timeout: .seconds(10))
                let noticedAfter = ContinuousClock.now - killedAt
                #expect(noticedAfter < .seconds(5), "the survivor saw the node gone after \(noticedAfter)")

                // Every quiet job has its one alert, delivered at least once.
                var alerts: [[String: Any]] = []
                var delivered: Set<Int> = []
                for _ in 0..<600 {
                    alerts =
                        try await Self.object(secondPort, "/alerts?type=missed_job&per_page=200")["alerts"]
                        as? [[String: Any]] ?? []
                    delivered = Set(
                        receiver.requests.compactMap { request -> Int? in
                            guard let body = try? request.object(), body["event"] as? String == "alert_opened" else {
                                return nil
                            }
                            return (body["alert"] as? [String: Any])?["id"] as? Int
                        })
                    if alerts.count >= Self.quietJobs, alerts.allSatisfy({ delivered.contains($0["id"] as? Int ?? -1) })
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let jobs = alerts.compactMap { $0["job_id"] as? String }
                #expect(jobs.count == Self.quietJobs, "one missed_job alert per job: \(jobs.sorted())")
                #expect(Set(jobs).count == jobs.count, "no job alerted twice")
                let undelivered = alerts.compactMap { $0["id"] as? Int }.filter { !delivered.contains($0) }
                #expect(undelivered.isEmpty, "alerts never delivered: \(undelivered)")
                // Again after the kill only what the killed node was sending: at most once more.
                let deliveryIDs = receiver.requests.compactMap { $0.headers["webhook-id"] }
                let repeated = Dictionary(grouping: deliveryIDs, by: { $0 }).filter { $0.value.count > 1 }
                #expect(
                    repeated.values.allSatisfy { $0.count == 2 } && repeated.count <= 32,
                    "sent again after the kill: \(repeated.mapValues(\.count))")

                // Every ping answered is stored, whichever node took it.
                pinger.stopped.store(true, ordering: .relaxed)
                await pinging.value
                let answered = pinger.answered.load(ordering: .relaxed)
                // Taken before the kill and after it (how many depends on the machine's load).
                #expect(
                    answeredBeforeTheKill > 0 && answered > answeredBeforeTheKill,
                    "pings answered before the kill: \(answeredBeforeTheKill), in all: \(answered)")
                let runs = try await Self.object(secondPort, "/job_runs?job_id=beat&per_page=1")
                // The one ping the killed node may have committed and not answered is the
                // only one stored unanswered.
                let stored = try #require(runs["total"] as? Int)
                #expect(answered <= stored && stored <= answered + 1, "every answered ping is stored: \(stored)")

                // A node that joins later serves at once, and what it takes shows on the
                // other's live event stream.
                let changesSeen = second.standardError.components(separatedBy: "cluster: nodes now:").count
                let (third, _) = try Self.serve(url.connectionString, environment)
                let thirdPort = try await Self.listening(third)
                for _ in 0..<300
                where second.standardError.components(separatedBy: "cluster: nodes now:").count == changesSeen {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let lastChange = second.standardError.components(separatedBy: "cluster: nodes now:").last ?? ""
                #expect(
                    lastChange.prefix { $0 != "\n" }.contains(", "), "the second node sees the third: \(lastChange)")
                let stream = try RawConnection(port: secondPort, receiveTimeout: 1)
                try stream.send("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                try await Task.sleep(for: .milliseconds(300))
                let started = try await ServeFaultTests.send(thirdPort, "POST", "/jobs/beat/start")
                #expect(started.status == 201)
                let body = try JSONSerialization.jsonObject(with: Data(started.body.utf8)) as? [String: Any]
                let runID = try #require(body?["run_id"] as? String)
                let told = await stream.read(until: runID, timeout: .seconds(15))
                #expect(told.contains(#""run_id":"\#(runID)""#), "the start taken by the third node: \(told)")

                // Still one alert per job with three engines watching.
                let after =
                    try await Self.object(thirdPort, "/alerts?type=missed_job&per_page=200")["alerts"]
                    as? [[String: Any]] ?? []
                #expect(after.count == Self.quietJobs)

                #expect(try await second.stop() == 0)
                #expect(try await third.stop() == 0)
                for output in [first.standardError, second.standardError, third.standardError] {
                    #expect(!output.contains(password), "the password was logged")
                }
            }
        }
    }
}
