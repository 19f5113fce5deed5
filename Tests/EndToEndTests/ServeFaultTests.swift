import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `cronicle serve` as a process against faults: clients that hold a request half-sent
/// at shutdown, a database that cannot be written, a disk that fills up.
@Suite(.serialized) struct ServeFaultTests {
    static func listening(_ server: RunningProduct) async throws -> Int {
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        return try #require(Int(port))
    }

    static func send(_ port: Int, _ method: String, _ path: String, _ body: String = "") async throws -> (
        status: Int, head: String, body: String
    ) {
        let connection = try RawConnection(port: port)
        try connection.send(
            "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let response = try await connection.readResponse()
        let contentType = response.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
            .map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
        try OpenAPIContract.server.check(
            method: method, path: path, status: response.status, contentType: contentType,
            body: Data(response.body.utf8))
        return response
    }

    @Test func sigtermEndsWithinTheGracePeriodWhileAClientHoldsAHalfSentBody() async throws {
        let folder = try TemporaryFolder()
        let server = try RunningProduct(
            "cronicle", ["serve", "--db", folder.url("c.db"), "--port", "0", "--shutdown-grace", "2s"])
        let port = try await Self.listening(server)
        #expect(try await Self.send(port, "POST", "/jobs", #"{"job_id": "a", "schedule": "@daily"}"#).status == 201)
        let holder = try RawConnection(port: port)
        try holder.send("POST /jobs/a/start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{\"run_")
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        let status = try await server.stop(signal: SIGTERM)
        let waited = started.duration(to: clock.now)
        // Before: it waited for the client forever.
        #expect(waited < .seconds(8), "exit took \(waited)")
        #expect(status == 0, "\(server.standardError)")
        #expect(!server.standardError.contains("alert engine"), "\(server.standardError)")
    }

    /// A tmpfs of its own, so the disk can be filled and made read-only; needs root, as CI has.
    final class SmallDisk {
        let path: String
        let folder: TemporaryFolder
        init?(megabytes: Int) throws {
            guard geteuid() == 0 else { return nil }
            folder = try TemporaryFolder()
            path = folder.url("disk")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) else { return nil }
        }
        func remount(readOnly: Bool) -> Bool {
            Self.run("/bin/mount", ["-o", "remount,\(readOnly ? "ro" : "rw")", path])
        }
        deinit { _ = Self.run("/bin/umount", ["-l", path]) }
        static func run(_ tool: String, _ arguments: [String]) -> Bool {
            guard let process = try? SpawnedProcess(executable: tool, arguments) else { return false }
            return process.waitUntilExit() == 0 && process.exited
        }
    }

    @Test func aReadOnlyMountIsRefusedAtStartNamingThePath() async throws {
        guard let disk = try SmallDisk(megabytes: 16) else {
            Issue.record("this test mounts a tmpfs and needs root; run it as CI does")
            return
        }
        let path = disk.path + "/c.db"
        try MonitorStore(path: path).close()
        #expect(disk.remount(readOnly: true))
        let refused = try await ProductRunner.run("cronicle", ["serve", "--db", path, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("cannot write the database \(path)"), "\(refused.standardError)")
        #expect(refused.standardError.contains("Check that the file and its folder are writable"))
        #expect(!refused.standardError.contains("listening"))
    }

    @Test func aFullDiskIsAnswered503StorageFullAndRecovers() async throws {
        guard let disk = try SmallDisk(megabytes: 4) else {
            Issue.record("this test mounts a tmpfs and needs root; run it as CI does")
            return
        }
        let path = disk.path + "/c.db"
        let server = try RunningProduct("cronicle", ["serve", "--db", path, "--port", "0"])
        let port = try await Self.listening(server)
        #expect(try await Self.send(port, "POST", "/jobs", #"{"job_id": "a", "schedule": "@daily"}"#).status == 201)
        // Fill what is left of the disk.
        let filler = disk.path + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: Data(count: 3 << 20))
        let message = String(repeating: "x", count: 9000)
        var full: (status: Int, head: String, body: String)?
        for _ in 0..<600 {
            let answer = try await Self.send(port, "POST", "/jobs/a/fail", #"{"message": "\#(message)"}"#)
            if answer.status != 200 {
                full = answer
                break
            }
        }
        let answer = try #require(full, "the disk never filled")
        #expect(answer.status == 503)
        #expect(answer.body.contains("storage_full"), "\(answer.body)")
        try FileManager.default.removeItem(atPath: filler)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.send(port, "POST", "/jobs/a/start").status == 201)
        #expect(try await server.stop() == 0)
        // Logged once however many refusals, and the recovery once.
        let log = server.standardError
        #expect(log.components(separatedBy: "disk holding the database is full").count - 1 == 1, "\(log)")
        #expect(log.contains("can be written again"))
    }
}
