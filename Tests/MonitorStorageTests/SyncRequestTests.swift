import Config
import CronicleTestSupport
import Foundation
import GRDB
import GRDBSQLite
import MonitorDomain
import Testing

@testable import MonitorStorage

/// An apply sent again with its request id (its answer was lost) is applied once, even
/// when the second arrives while the first is still on its way to the database.
@Suite struct SyncRequestTests {
    static let files = [
        DefinitionFile(path: "jobs.d/a.yaml", contents: Data("job_id: a\nschedule: \"@daily\"\n".utf8))
    ]

    /// Both applies pass the check made before the write while a second connection (as
    /// `cronicle-sync` beside the server is) holds SQLite's write lock; then it lets go.
    static func applyTwiceAtOnce(_ files: [DefinitionFile]) async throws -> (reports: [SyncReport], history: Int) {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let store = try MonitorStore(path: path)
        // SQLite's own API: GRDB refuses to leave a transaction open between two accesses.
        var other: OpaquePointer?
        guard sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw MonitorError(.internalError, "the second connection did not open")
        }
        defer { sqlite3_close_v2(other) }
        #expect(sqlite3_exec(other, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK)
        let options = SyncOptions(requestID: "apply-1")
        let source = SyncSource(repository: "https://git.example/jobs.git", commit: "abc123")
        async let first = store.applySync(files: files, source: source, options: options)
        async let second = store.applySync(files: files, source: source, options: options)
        // Until both have passed their first check and wait for the writer (the lock is
        // held, so neither can have recorded anything).
        let deadline = ContinuousClock.now + .seconds(2)
        while store.sqlite!.batcher.waiting < 1 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(sqlite3_exec(other, "COMMIT", nil, nil, nil) == SQLITE_OK)
        let reports = try await [first, second]
        return (reports, try await store.syncHistory().count)
    }

    @Test func anApplySentTwiceAtOnceIsAppliedAndRecordedOnce() async throws {
        let (reports, history) = try await Self.applyTwiceAtOnce(Self.files)
        #expect(reports.filter { $0.repeated == true }.count == 1, "\(reports)")
        let ids: [Int64?] = reports.map { $0.record?.id }
        #expect(ids[0] != nil && ids[0] == ids[1], "both answers name the one apply: \(ids)")
        #expect(reports.contains { $0.record?.created == 1 })
        #expect(history == 1)
    }

    @Test func aFailedApplySentTwiceAtOnceIsRecordedOnce() async throws {
        let broken = [DefinitionFile(path: "jobs.d/a.yaml", contents: Data("job_id: a\nschedule: \"@never\"\n".utf8))]
        let (reports, history) = try await Self.applyTwiceAtOnce(broken)
        #expect(reports.allSatisfy { $0.record?.result == .failed }, "\(reports)")
        #expect(reports.filter { $0.repeated == true }.count == 1)
        #expect(history == 1)
    }
}
