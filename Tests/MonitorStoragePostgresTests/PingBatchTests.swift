import Config
import CronicleTestSupport
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import StorageTestSupport
import Testing

@testable import MonitorStoragePostgres

/// The set-based ping path (``PingBatcher``) is a second form of `startRun` and `endRun`:
/// one script of pings goes through a store that batches them and through one that takes
/// the general path for every ping, on two databases, and the answers and the tables
/// must come out the same.
///
/// The script sends its pings in waves: the pings of a wave at once (so the batcher has
/// several waiting), at most one ping a job in a wave, so that the outcome does not depend
/// on which of them the database saw first; the clock moves between waves.
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct PingBatchTests {
    static let author = ChangeAuthor("test", via: .api)

    static let jobs: [JobDefinition] = {
        func job(_ id: String, _ change: (inout JobDefinition) -> Void = { _ in }) -> JobDefinition {
            var job = JobDefinition(jobID: id, schedule: "*/5 * * * *", pingUUID: UUID().uuidString.lowercased())
            change(&job)
            return job
        }
        return [
            job("plain"), job("limited") { $0.maxRuntime = JobDuration(seconds: 600) },
            job("heartbeat") { $0.isHealthCheck = true }, job("at-end") { $0.expect = .end },
            job("quick") { $0.minRuntime = JobDuration(seconds: 900) },
            job("flaky") { $0.failureThreshold = 2 },
            job("paused") {
                $0.paused = true
                $0.minRuntime = JobDuration(seconds: 120)
            },
            job("plain-2"), job("plain-3"), job("plain-4"), job("plain-5"), job("plain-6"),
        ]
    }()

    /// One ping of the script, as a caller sends it.
    enum Ping: Sendable {
        case start(JobReference, RunStart)
        case end(JobReference, RunEnd)
    }

    /// What a ping was answered, with run ids the store made up replaced by "generated".
    enum Answer: Equatable, CustomStringConvertible {
        case run(runID: String, status: JobRun.Status, start: Date?, end: Date?, created: Bool?)
        case refused(MonitorError.Code)

        var description: String {
            switch self {
            case .run(let runID, let status, let start, let end, let created):
                "run \(runID) \(status) \(start.map(Timestamp.string) ?? "-") \(end.map(Timestamp.string) ?? "-") \(created.map(String.init) ?? "")"
            case .refused(let code): "refused \(code)"
            }
        }
    }

    @Test func aScriptOfPingsLeavesTheSameTablesBatchedAndOneByOne() async throws {
        try await TemporaryPostgresDatabase.with { generalURL in
            try await TemporaryPostgresDatabase.with { batchedURL in
                let clock = ManualClock("2026-12-01T10:00:00Z")
                let general = try await Self.store(generalURL, clock: clock, setBasedPings: false)
                let batched = try await Self.store(batchedURL, clock: clock, setBasedPings: true)
                defer {
                    try? general.close()
                    try? batched.close()
                }
                var uuids: [String: String] = [:]
                for job in Self.jobs {
                    _ = try await general.saveJob(job, by: Self.author)
                    _ = try await batched.saveJob(job, by: Self.author)
                    uuids[job.jobID] = job.pingUUID
                }
                #expect(general.pingBatchStatistics == nil)

                var random = SeededGenerator(seed: 18)
                var script = Script(uuids: uuids)
                var answers = 0
                for wave in 0..<70 {
                    let pings = script.wave(&random)
                    let fromGeneral = await Self.send(pings, to: general)
                    let fromBatched = await Self.send(pings, to: batched)
                    for (index, (one, other)) in zip(fromGeneral, fromBatched).enumerated() {
                        #expect(one == other, "wave \(wave), ping \(index) (\(pings[index])): \(one) against \(other)")
                    }
                    answers += pings.count
                    for case .run(let runID, _, _, _, _) in fromGeneral where runID != "generated" {
                        script.known(runID)
                    }
                    // Now and then a short step, for runs shorter than a min_runtime.
                    clock.advance(by: random.next() % 4 == 0 ? 5 : Double(random.next() % 240))
                    // Missed fire times and long runs, as the alert engine records them, so
                    // that pings find open alerts to resolve.
                    if random.next() % 3 == 0 {
                        let due = Self.jobs.filter { _ in random.next() % 2 == 0 }.map { job in
                            DueFireTimes(
                                jobID: job.jobID, fireTimes: [clock.now.addingTimeInterval(-90)], tolerance: 60,
                                earlyAllowance: 60, expect: job.expect, tags: [])
                        }
                        let long = script.runs(of: "limited").suffix(3).map { DueRun(runID: $0, jobID: "limited") }
                        for store in [general, batched] {
                            _ = try await store.recordDeadlines(due, runs: long, checkedThrough: nil)
                        }
                    }
                }

                for table in Self.tables {
                    let one = try await Self.rows(table, in: general)
                    let other = try await Self.rows(table, in: batched)
                    #expect(one == other, "\(table.name) differs")
                    #expect(!one.isEmpty, "\(table.name) is empty: the script tested nothing there")
                }
                // The script reaches every kind of alert a ping resolves or raises.
                let kinds = try await general.read { session in
                    try session.fetchAll("SELECT DISTINCT type FROM job_alerts").map { try $0.text(0) }
                }
                #expect(Set(kinds) == ["missed_job", "long_running", "failed", "too_fast"])
                let statistics = try #require(batched.pingBatchStatistics)
                #expect(statistics.pings == answers)
                #expect(statistics.applied > answers / 10, "\(statistics)")
                #expect(statistics.applied < answers, "every ping was applied in batches: \(statistics)")
                #expect(statistics.largestBatch > 1, "\(statistics)")
                #expect(statistics.failedBatches == 0, "\(statistics)")
            }
        }
    }

    /// Pings of one job at once: the batch gives each end without a run id a run of its
    /// own, and a start and an end that name one run leave it started and ended once.
    @Test func pingsOfOneJobAtOnceTakeDistinctRuns() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let clock = ManualClock("2026-12-01T10:00:00Z")
            let store = try await Self.store(url, clock: clock, setBasedPings: true)
            defer { try? store.close() }
            _ = try await store.saveJob(JobDefinition(jobID: "busy", schedule: "* * * * *"), by: Self.author)
            // Run ids that sort against the runs' order, so that an update that writes its
            // rows in the index's order writes the newest run first.
            for index in 0..<20 {
                _ = try await store.startRun(.id("busy"), RunStart(runID: "busy-\(99 - index)"))
                clock.advance(by: 1)
            }
            let newestStart = clock.now.addingTimeInterval(-1)
            clock.advance(by: 60)
            let ended = try await withThrowingTaskGroup(of: JobRun.self) { group in
                for _ in 0..<20 { group.addTask { try await store.endRun(.id("busy"), RunEnd()) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(ended.map(\.runID)).count == 20)
            #expect(ended.allSatisfy { $0.status == .succeeded && $0.endTime == clock.now })
            // The job's last run is the one its last end took, the newest, whichever order
            // the batch's update wrote its rows in.
            let last = try await store.read { session in
                try session.fetchOne("SELECT last_start_time FROM job_run_totals WHERE job_id = 'busy'")?
                    .optionalDate(0)
            }
            #expect(last == newestStart)
            clock.advance(by: 60)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask { _ = try await store.startRun(.id("busy"), RunStart(runID: "named-\(index)")) }
                    group.addTask {
                        _ = try await store.endRun(.id("busy"), RunEnd(runID: "named-\(index)", exitCode: 0))
                    }
                }
                try await group.waitForAll()
            }
            let runs = try await store.runs(RunQuery(jobID: "busy", page: PageRequest(perPage: 100))).items
            #expect(runs.count == 30, "\(runs.map(\.runID))")
            // An end that came before its start made the run, which the start then joined.
            #expect(runs.allSatisfy { $0.status == .succeeded && $0.endTime != nil })

            let statistics = try #require(store.pingBatchStatistics)
            #expect(statistics.largestBatch > 1, "\(statistics)")
        }
    }

    /// Starts and ends without run ids at once, on a job with no run open: an end ends a
    /// run started before it (in its batch or before), or, finding none, is a run without
    /// a start; no run is ended twice.
    @Test func startsAndEndsWithoutRunIDsAtOnceEndEachRunOnce() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let store = try await Self.store(url, clock: ManualClock("2026-12-01T10:00:00Z"), setBasedPings: true)
            defer { try? store.close() }
            _ = try await store.saveJob(JobDefinition(jobID: "racing", schedule: "* * * * *"), by: Self.author)
            let endedIDs = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<15 {
                    group.addTask {
                        _ = try await store.startRun(.id("racing"), RunStart()); return nil
                    }
                    group.addTask { try await store.endRun(.id("racing"), RunEnd()).runID }
                }
                var ids: [String] = []
                for try await id in group { if let id { ids.append(id) } }
                return ids
            }
            #expect(Set(endedIDs).count == 15)
            let racing = try await store.runs(RunQuery(jobID: "racing", page: PageRequest(perPage: 100))).items
            let startless = racing.filter { $0.startTime == nil }
            #expect(racing.count == 15 + startless.count)
            #expect(racing.filter { $0.status == .running }.count == startless.count)
            let statistics = try #require(store.pingBatchStatistics)
            #expect(statistics.applied > 15, "\(statistics)")
        }
    }

    static func store(_ url: DatabaseURL, clock: ManualClock, setBasedPings: Bool) async throws -> MonitorStore {
        var logger = Logger(label: "cronicle-test")
        logger.logLevel = .warning
        let backend = try await PostgresBackend.open(
            url: url, mode: .create, writeConnections: 2, readConnections: 1, logger: logger)
        return MonitorStore(backend: backend, clock: clock, logger: logger, setBasedPings: setBasedPings)
    }

    /// The wave's pings at once, their answers in the wave's order.
    static func send(_ pings: [Ping], to store: MonitorStore) async -> [Answer] {
        await withTaskGroup(of: (Int, Answer).self) { group in
            for (index, ping) in pings.enumerated() {
                group.addTask {
                    do {
                        switch ping {
                        case .start(let job, let start):
                            let (run, created) = try await store.startRun(job, start)
                            return (index, answer(run, created: created))
                        case .end(let job, let end):
                            return (index, answer(try await store.endRun(job, end), created: nil))
                        }
                    } catch let error as MonitorError {
                        return (index, .refused(error.code))
                    } catch {
                        return (index, .refused(.internalError))
                    }
                }
            }
            var answers = [Answer](repeating: .refused(.internalError), count: pings.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }

    static func answer(_ run: JobRun, created: Bool?) -> Answer {
        .run(
            runID: Script.isScripted(run.runID) ? run.runID : "generated", status: run.status, start: run.startTime,
            end: run.endTime, created: created)
    }

    /// A table to compare, as text rows sorted, with run ids the store made up replaced.
    struct Table: Sendable {
        var name: String
        var sql: String
    }

    static let tables = [
        Table(
            name: "job_runs",
            sql: """
                SELECT \(runID("run_id")), job_id, status, start_time, end_time, exit_code, message, client_info,
                    remote_addr, user_agent FROM job_runs
                """),
        Table(
            name: "job_alerts",
            sql: """
                SELECT job_id, type, created_at, \(runID("run_id")), \(runID("last_run_id")), failure_count,
                    resolved_at FROM job_alerts
                """),
        Table(name: "run_outputs", sql: "SELECT \(runID("run_id")), output, received_bytes FROM run_outputs"),
        Table(name: "job_run_totals", sql: "SELECT * FROM job_run_totals"),
        Table(name: "failure_streaks", sql: "SELECT job_id, failures, \(runID("first_run_id")) FROM failure_streaks"),
    ]

    static func runID(_ column: String) -> String {
        "CASE WHEN \(column) LIKE 's-%' THEN \(column) WHEN \(column) IS NULL THEN NULL ELSE 'generated' END"
    }

    static func rows(_ table: Table, in store: MonitorStore) async throws -> [String] {
        try await store.read { session in
            try session.fetchAll(table.sql).map { row in
                (0..<row.count).map { "\(row.value($0))" }.joined(separator: " | ")
            }.sorted()
        }
    }
}

/// The pings the differential test sends: a wave picks a few jobs and one ping for each,
/// of every kind the general path treats apart (retries, run ids of another job, ends
/// without a start, output, failures, unknown jobs, ping UUIDs).
struct Script {
    let uuids: [String: String]
    /// Run ids the script named and a store answered, per job: retries name them again.
    private var runs: [String: [String]] = [:]
    private var next = 0

    init(uuids: [String: String]) { self.uuids = uuids }

    static func isScripted(_ runID: String) -> Bool { runID.hasPrefix("s-") }

    func runs(of jobID: String) -> [String] { runs[jobID] ?? [] }

    mutating func known(_ runID: String) {
        guard let job = runID.split(separator: ":").dropFirst().first.map(String.init) else { return }
        runs[job, default: []].append(runID)
    }

    mutating func wave(_ random: inout SeededGenerator) -> [PingBatchTests.Ping] {
        var jobs = PingBatchTests.jobs.map(\.jobID).shuffled(using: &random)
        jobs = Array(jobs.prefix(Int(random.next() % UInt64(jobs.count)) + 1))
        if random.next() % 8 == 0 { jobs.append("nobody") }
        return jobs.map { ping(for: $0, &random) }
    }

    private mutating func ping(for jobID: String, _ random: inout SeededGenerator) -> PingBatchTests.Ping {
        let job: JobReference =
            random.next() % 4 == 0 ? uuids[jobID].map(JobReference.pingUUID) ?? .id(jobID) : .id(jobID)
        let roll = random.next() % 100
        let runID: String?
        switch random.next() % 6 {
        case 0, 1: runID = nil
        case 2, 3:
            next += 1
            runID = "s-\(next):\(jobID)"
        case 4: runID = runs[jobID]?.randomElement(using: &random)
        default:
            // Another job's run: refused as a conflict.
            runID = runs.keys.sorted().first { $0 != jobID }.flatMap { runs[$0]?.first }
        }
        let output = roll % 10 == 0 ? RunOutput(bytes: Array("out \(roll)".utf8), receivedBytes: 6, limit: 100) : nil
        let info: JSONValue? = roll % 3 == 0 ? .object(["hostname": .string("worker-\(roll % 5)")]) : nil
        if roll < 45 {
            return .start(
                job,
                RunStart(
                    runID: runID, clientInfo: info, remoteAddress: "10.0.0.\(roll)", userAgent: "curl", output: output))
        }
        let exitCode: Int? = roll < 80 ? (roll % 2 == 0 ? 0 : nil) : Int(roll % 3)
        return .end(
            job,
            RunEnd(
                runID: runID, exitCode: exitCode, message: roll % 4 == 0 ? "done \(roll)" : nil, clientInfo: info,
                failed: roll > 97, remoteAddress: "10.0.1.\(roll)", userAgent: "cronicle-exec", output: output))
    }
}
