import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import StorageTestSupport
import Testing

/// The SQLite driver of ``SQLSession`` against the checks every driver must pass.
@Suite struct GRDBSessionTests {
    @Test func passesTheConformanceTable() async throws {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.url("conformance.db"))
        let mismatches = try await SQLSessionConformance.mismatches { body in
            try queue.write { database in try body(GRDBSession(database)) }
        }
        #expect(mismatches == [])
    }

    @Test func keepsFlagsInstantsAndIdListsInSQLiteForms() throws {
        let queue = try DatabaseQueue()
        let row = try queue.read { database in
            try GRDBSession(database).fetchOne(
                "SELECT typeof(?1), ?1, ?2, ?3",
                [.bool(true), .date(Date(timeIntervalSince1970: 1_795_000_000.5)), .integers([3, -1])])
        }
        #expect(try row?.text(0) == "integer")
        #expect(try row?.int64(1) == 1)
        #expect(try row?.text(2) == "2026-11-18 11:06:40.500")
        #expect(try row?.text(3) == "[3,-1]")
        #expect(try row?.integers(3) == [3, -1])
    }
}
