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
}
