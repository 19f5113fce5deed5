import Config
import CronicleTestSupport
import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorStorage

/// Group commit must keep each write all-or-nothing, whatever shares its batch.
@Suite struct WriteBatcherTests {
    @Test func aWriteThatFailsHalfWayLeavesNothingAndItsBatchMatesCommit() async throws {
        let folder = try TemporaryFolder()
        let pool = try DatabasePool(path: folder.url("batch.db"))
        try await pool.write { db in try db.execute(sql: "CREATE TABLE marks (name TEXT PRIMARY KEY)") }
        let batcher = WriteBatcher(pool: pool)
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for index in 0..<40 {
                group.addTask {
                    let name = "mark-\(index)"
                    do {
                        try await batcher.write { db in
                            try db.execute(sql: "INSERT INTO marks (name) VALUES (?)", arguments: [name])
                            // Every tenth write fails after writing, with a database error.
                            if index % 10 == 0 { try db.execute(sql: "INSERT INTO no_such_table VALUES (1)") }
                        }
                        return (name, true)
                    } catch {
                        return (name, false)
                    }
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        let stored = Set(try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM marks") })
        for index in 0..<40 {
            let name = "mark-\(index)"
            #expect(outcomes[name] == (index % 10 != 0), "\(name)")
            #expect(stored.contains(name) == (index % 10 != 0), "\(name) must be stored only if its write succeeded")
        }
    }

    @Test func monitorErrorsThrownBeforeWritingFailAloneWithoutReplay() async throws {
        let folder = try TemporaryFolder()
        let store = try MonitorStore(path: folder.url("cronicle.db"))
        _ = try await store.saveJob(.init(jobID: "a", schedule: "@daily"), by: ChangeAuthor("test", via: .api))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask {
                    (try? await store.startRun(jobID: index % 3 == 0 ? "missing" : "a", RunStart())) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 20)
        #expect(try await store.runs(RunQuery(jobID: "a")).total == 20)
    }

    @Test func requestsGoBeforeBackgroundWritesAndEachBackgroundWriteCommitsAlone() async throws {
        let order = try await commitOrder(backgroundPatience: .seconds(3600))
        #expect(order == [["hold"], ["request-1", "request-2"], ["background-1"], ["background-2"]])
    }

    @Test func backgroundWritesThatHaveWaitedTheirPatienceGoBeforeRequests() async throws {
        // A flood of requests cannot hold the monitor's own writes back past their patience.
        let order = try await commitOrder(backgroundPatience: .zero)
        #expect(order == [["hold"], ["background-1"], ["background-2"], ["request-1", "request-2"]])
    }

    /// Holds the writer with one request while two background writes and then two
    /// requests queue; answers the writes' names grouped by the transaction that
    /// committed them, in commit order.
    private func commitOrder(backgroundPatience: Duration) async throws -> [[String]] {
        let folder = try TemporaryFolder()
        let transactions = TransactionCounter()
        var configuration = Configuration()
        // Each transaction's date is a number of its own, so writes tell which they shared.
        configuration.transactionClock = .custom { _ in Date(timeIntervalSince1970: Double(transactions.next())) }
        let pool = try DatabasePool(path: folder.url("lanes.db"), configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE marks (name TEXT, tx REAL, seq INTEGER)") }
        let batcher = WriteBatcher(pool: pool, backgroundPatience: backgroundPatience)
        // The hold blocks the writer thread (not a task's), until `release`; the test learns
        // that it holds through a stream, so no task's thread ever blocks.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        @Sendable func mark(_ name: String, _ db: Database) throws {
            try db.execute(
                sql: "INSERT INTO marks VALUES (?, ?, (SELECT COUNT(*) FROM marks))",
                arguments: [name, db.transactionDate.timeIntervalSince1970])
        }
        let hold = Task {
            try await batcher.write { db in
                try mark("hold", db)
                holding.yield()
                release.wait()
            }
        }
        for await _ in held { break }
        var writes: [Task<Void, any Error>] = []
        for (name, lane) in [
            ("background-1", WriteLane.background), ("background-2", .background),
            ("request-1", .requests), ("request-2", .requests),
        ] {
            writes.append(Task { try await batcher.write(lane: lane) { db in try mark(name, db) } })
            while batcher.waiting < writes.count { await Task.yield() }
        }
        release.signal()
        try await hold.value
        for write in writes { try await write.value }
        let rows = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, tx FROM marks ORDER BY seq")
        }
        var grouped: [[String]] = []
        var lastTransaction: Double?
        for row in rows {
            let transaction: Double = row["tx"]
            if transaction != lastTransaction { grouped.append([]) }
            grouped[grouped.count - 1].append(row["name"])
            lastTransaction = transaction
        }
        return grouped
    }
}

/// A number that goes up by one at each call, from any thread.
private final class TransactionCounter: @unchecked Sendable {
    // Unchecked: `value` is only touched with `lock` held.
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
