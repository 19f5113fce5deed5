import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `cronicle serve` as a process: durability across `kill -9`, clean shutdown, and refusals.
@Suite(.serialized) struct ServeCommandTests {
    static func post(_ port: String, _ path: String, _ json: String? = nil) async throws -> Int {
        try await ContractClient(port: port).request("POST", path, body: json.map { Data($0.utf8) }).status
    }

    @Test func everyAnsweredRequestSurvivesKillNine() async throws {
        let folder = try TemporaryFolder()
        let database = folder.url("cronicle.db")
        let server = try RunningProduct("cronicle", ["serve", "--db", database, "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        #expect(try await Self.post(port, "/jobs", "{\"job_id\": \"backup\", \"schedule\": \"@daily\"}") == 201)
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask { try await Self.post(port, "/jobs/backup/start", "{\"run_id\": \"run-\(index)\"}") }
            }
            return try await group.reduce(0) { $0 + ($1 == 201 ? 1 : 0) }
        }
        #expect(answered == 100)
        let status = try await server.stop(signal: SIGKILL)
        #expect(status == SIGKILL)

        let store = try MonitorStore(path: database)
        let runs = try await store.runs(RunQuery(jobID: "backup", page: PageRequest(page: 1, perPage: 500)))
        #expect(runs.total == 100)
        #expect(try await store.job("backup") != nil)
    }

    @Test func sigtermFinishesAndClosesTheDatabase() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct(
            "cronicle", ["serve", "--port", "0"], environment: ["CRONICLE_DB": folder.url("env.db")])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        #expect(try await Self.post(port, "/jobs", "{\"job_id\": \"a\", \"schedule\": \"@daily\"}") == 201)
        #expect(try await server.stop(signal: SIGTERM) == 0)
        #expect(server.standardError.contains("database closed"))
        #expect(FileManager.default.fileExists(atPath: folder.url("env.db")))
    }

    @Test func refusesToListenBeyondLoopbackWithoutAToken() async throws {
        let result = try await ProductRunner.run("cronicle", ["serve", "--host", "0.0.0.0", "--port", "0"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("refusing to listen on 0.0.0.0 without an API token"))
    }
}
