import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import StorageTestSupport
import Testing

/// The PostgreSQL driver of ``SQLSession`` on a real cluster (`scripts/postgres-cluster`):
/// the same conformance table as SQLite's, locks between two connections, and the faults
/// a database server brings (a lost connection, a refused port, a wrong password).
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct PostgresSessionTests {
    @Test func passesTheConformanceTable() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            let mismatches = try await SQLSessionConformance.mismatches { body in
                try await lane.transaction { session in try body(session) }
            }
            #expect(mismatches == [])
        }
    }

    @Test func aJobLockIsHeldUntilItsTransactionEnds() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let holder = PostgresLane(url: url, name: "holder")
            let other = PostgresLane(url: url, name: "other")
            defer {
                holder.close()
                other.close()
            }
            let held = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            // Whatever fails below, the holder's thread is let go.
            defer { release.signal() }
            async let holding: Void = holder.transaction { session in
                try session.lock(.job("nightly_backup"))
                held.signal()
                // The holder's own thread waits here, not the concurrency pool.
                release.wait()
            }
            try #require(await Self.wait(for: held), "the holder never took the lock")
            let whileHeld = try await other.transaction { session in
                (
                    try session.tryLock(.job("nightly_backup")), try session.tryLock(.job("weekly_report")),
                    try session.tryLock(.task(.syncApply))
                )
            }
            release.signal()
            try await holding
            let afterwards = try await other.transaction { session in try session.tryLock(.job("nightly_backup")) }
            #expect(whileHeld == (false, true, true))
            #expect(afterwards)
        }
    }

    @Test func aConnectionLostInATransactionIsUnavailableAndTheLaneOpensAnother() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url, name: "victim")
            let admin = PostgresLane(url: url, name: "admin")
            defer {
                lane.close()
                admin.close()
            }
            let started = DispatchSemaphore(value: 0)
            let terminated = DispatchSemaphore(value: 0)
            defer { terminated.signal() }
            let pid = PIDBox()
            let lost = Task {
                try await lane.transaction { session in
                    try session.execute("CREATE TABLE half_written (id bigint)")
                    pid.value = try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
                    started.signal()
                    terminated.wait()
                    try session.execute("INSERT INTO half_written VALUES (1)")
                }
            }
            try #require(await Self.wait(for: started), "the transaction never started")
            let killed = try await admin.transaction { session in
                try session.fetchOne("SELECT pg_terminate_backend(CAST(? AS integer))", [.integer(pid.value)])!.bool(0)
            }
            terminated.signal()
            let error = try await #require(throws: MonitorError.self) { try await lost.value }
            #expect(killed)
            #expect(error.code == .storageUnavailable, "\(error.message)")
            #expect(error.message.contains(url.location), "\(error.message)")
            // Nothing of the lost transaction was kept, and the lane works again on a new connection.
            let (second, tables) = try await lane.transaction { session in
                (
                    try session.fetchOne("SELECT pg_backend_pid()")!.int64(0),
                    try session.fetchOne("SELECT count(*) FROM pg_tables WHERE tablename = 'half_written'")!.int64(0)
                )
            }
            #expect(second != pid.value)
            #expect(tables == 0)
        }
    }

    @Test func anIdleConnectionLostIsReplacedWithoutAnError() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url, name: "idle")
            let admin = PostgresLane(url: url, name: "admin")
            defer {
                lane.close()
                admin.close()
            }
            let first = try await lane.transaction { session in
                try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            try await admin.transaction { session in
                try session.execute("SELECT pg_terminate_backend(CAST(? AS integer))", [.integer(first)])
            }
            // Whether or not the server's goodbye has reached the lane yet, its next
            // transaction finds the connection gone at BEGIN and opens another.
            let second = try await lane.transaction { session in
                try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            #expect(second != first)
        }
    }

    /// The backend's process id, written on the lane's thread and read after it signalled.
    final class PIDBox: @unchecked Sendable {
        var value: Int64 = 0
    }

    /// Waits for `semaphore` off the concurrency pool, for at most 10 seconds; false when
    /// it was not signalled by then (the other side failed).
    static func wait(for semaphore: DispatchSemaphore) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: semaphore.wait(timeout: .now() + 10) == .success)
            }
        }
    }

    /// Ten inserts queued behind a transaction that holds the lane's thread, on a lane that
    /// commits what waits together; `fail` says which one inserts a duplicate key and which
    /// one throws an error of its own before writing. Returns each caller's transaction id
    /// or error, and the ids in the table afterwards.
    static func batch(
        on url: DatabaseURL, duplicateAt duplicate: Int? = nil, refusedAt refused: Int? = nil
    ) async throws -> (outcomes: [Result<Int64, MonitorError>], stored: [Int64]) {
        let lane = PostgresLane(url: url, name: "batching", maximumBatch: 64)
        defer { lane.close() }
        try await lane.transaction { session in
            try session.execute("CREATE TABLE batched (id bigint PRIMARY KEY)")
            try session.execute("INSERT INTO batched VALUES (1000)")
        }
        let busy = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        let holding = Task {
            try await lane.transaction { _ in
                busy.signal(); release.wait()
            }
        }
        try #require(await wait(for: busy), "the lane never ran the first transaction")
        let outcomes = await withTaskGroup(of: (Int, Result<Int64, MonitorError>).self) { group in
            for index in 0..<10 {
                group.addTask {
                    do {
                        let transaction = try await lane.transaction { session -> Int64 in
                            if index == refused { throw MonitorError(.notFound, "no job number \(index)") }
                            try session.execute(
                                "INSERT INTO batched VALUES (?)", [.integer(index == duplicate ? 1000 : Int64(index))])
                            return try session.fetchOne("SELECT txid_current()")!.int64(0)
                        }
                        return (index, .success(transaction))
                    } catch {
                        return (index, .failure(error as! MonitorError))
                    }
                }
            }
            // All ten are queued before the lane's thread is let go.
            let deadline = ContinuousClock.now + .seconds(10)
            while lane.waiting < 10 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            release.signal()
            var outcomes: [(Int, Result<Int64, MonitorError>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        try await holding.value
        let stored = try await lane.transaction(.readOnly) { session in
            try session.fetchAll("SELECT id FROM batched WHERE id < 1000 ORDER BY id").map { try $0.int64(0) }
        }
        return (outcomes, stored)
    }

    @Test func transactionsWaitingTogetherCommitAsOne() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let (outcomes, stored) = try await Self.batch(on: url)
            let transactions = Set(outcomes.compactMap { try? $0.get() })
            #expect(transactions.count == 1, "\(outcomes)")
            #expect(stored == Array(0..<10))
        }
    }

    @Test func aStatementThatFailsInABatchRunsEachAloneAndFailsOnlyItsCaller() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let (outcomes, stored) = try await Self.batch(on: url, duplicateAt: 4)
            guard case .failure(let error) = outcomes[4] else {
                Issue.record("the duplicate key was accepted: \(outcomes[4])")
                return
            }
            #expect(error.code == .conflict, "\(error.message)")
            #expect(error.message.contains("23505"), "\(error.message)")
            #expect(stored == [0, 1, 2, 3, 5, 6, 7, 8, 9])
            let transactions = Set(outcomes.compactMap { try? $0.get() })
            #expect(transactions.count == 9, "replayed one transaction each: \(outcomes)")
        }
    }

    @Test func aBodysOwnErrorInABatchFailsOnlyItsCaller() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let (outcomes, stored) = try await Self.batch(on: url, refusedAt: 7)
            guard case .failure(let error) = outcomes[7] else {
                Issue.record("the refusal was lost: \(outcomes[7])")
                return
            }
            #expect(error.code == .notFound)
            #expect(stored == [0, 1, 2, 3, 4, 5, 6, 8, 9])
            #expect(Set(outcomes.compactMap { try? $0.get() }).count == 1, "the others still committed as one")
        }
    }

    @Test func anAnswerThatDoesNotComeInTimeIsUnavailableAndClosesTheConnection() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let holder = PostgresLane(url: url, name: "holder")
            let waiter = PostgresLane(url: url, name: "waiter", answerDeadline: .milliseconds(500))
            defer {
                holder.close()
                waiter.close()
            }
            let held = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            // Whatever fails below, the holder's thread is let go.
            defer { release.signal() }
            let holding = Task {
                try await holder.transaction { session in
                    try session.lock(.job("nightly_backup"))
                    held.signal()
                    release.wait()
                }
            }
            try #require(await Self.wait(for: held), "the holder never took the lock")
            let pid = try await waiter.transaction { session in
                try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            let started = ContinuousClock.now
            let error = try await #require(throws: MonitorError.self) {
                try await waiter.transaction { session in try session.lock(.job("nightly_backup")) }
            }
            let waited = ContinuousClock.now - started
            release.signal()
            try await holding.value
            #expect(error.code == .storageUnavailable)
            #expect(error.message.contains("did not answer within"), "\(error.message)")
            #expect(waited >= .milliseconds(500) && waited < .seconds(5), "\(waited)")
            let next = try await waiter.transaction { session in
                try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            #expect(next != pid)
        }
    }

    @Test func aServerThatNeverAnswersTheSignInIsUnavailableAfterTheConnectTimeout() async throws {
        let silent = try SilentServer()
        let lane = PostgresLane(
            url: try DatabaseURL("postgres://cronicle:pw@127.0.0.1:\(silent.port)/cronicle?connect_timeout=1"))
        defer { lane.close() }
        let started = ContinuousClock.now
        let error = try await #require(throws: MonitorError.self) {
            try await lane.transaction { session in try session.execute("SELECT 1") }
        }
        #expect(error.code == .storageUnavailable, "\(error.message)")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func aStatementThatFailsLeavesTheConnectionUsable() async throws {
        try await TemporaryPostgresDatabase.with { url in
            let lane = PostgresLane(url: url)
            defer { lane.close() }
            let pid = try await lane.transaction { session in try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            let error = try await #require(throws: MonitorError.self) {
                try await lane.transaction { session in try session.execute("SELECT * FROM no_such_table") }
            }
            #expect(error.code == .internalError)
            #expect(error.message.contains("no_such_table") && error.message.contains("42P01"), "\(error.message)")
            let again = try await lane.transaction { session in
                try session.fetchOne("SELECT pg_backend_pid()")!.int64(0)
            }
            #expect(again == pid)
        }
    }

    @Test func aRefusedPortIsUnavailableAndNamesTheDatabaseNotThePassword() async throws {
        let port = try RefusingPort()
        let url = try DatabaseURL("postgres://cronicle:s3cret-word@127.0.0.1:\(port.port)/cronicle?connect_timeout=2")
        let lane = PostgresLane(url: url)
        defer { lane.close() }
        let error = try await #require(throws: MonitorError.self) {
            try await lane.transaction { session in try session.execute("SELECT 1") }
        }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.contains("127.0.0.1:\(port.port)/cronicle"), "\(error.message)")
        #expect(!error.message.contains("s3cret-word"), "\(error.message)")
        // In words, not the connection library's types.
        #expect(error.message.contains("connection refused; check the host and port"), "\(error.message)")
        #expect(!error.message.contains("SingleConnectionFailure"), "\(error.message)")
    }

    @Test func aWrongPasswordIsRefusedInTheServersWords() async throws {
        var url = try #require(TemporaryPostgresDatabase.serverURL)
        url.password = "not-the-password"
        let lane = PostgresLane(url: url)
        defer { lane.close() }
        let error = try await #require(throws: MonitorError.self) {
            try await lane.transaction { session in try session.execute("SELECT 1") }
        }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.contains("password authentication failed"), "\(error.message)")
        #expect(!error.message.contains("not-the-password"), "\(error.message)")
    }
}
