import Config
import CronicleTestSupport
import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorStorage

@Suite struct WALCheckpointerTests {
    /// The server's writer checkpoints only past 10,000 pages; the background connection
    /// must copy everything committed so far into the database file.
    @Test func copiesTheLogIntoTheDatabaseFile() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let store = try MonitorStore(path: path)
        _ = try await store.saveJob(.init(jobID: "a", schedule: "@daily"), by: ChangeAuthor("test", via: .api))
        for _ in 0..<200 { _ = try await store.startRun(jobID: "a", RunStart()) }
        let connection = try WALCheckpointer.connection(path)
        let result = try await WALCheckpointer.checkpoint(connection)
        #expect(result.walFrames > 0, "the writes went to the log first")
        #expect(result.checkpointed == result.walFrames, "a passive checkpoint with no reader copies every frame")
        try connection.close()
    }
}
