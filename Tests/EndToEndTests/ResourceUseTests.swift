import CronicleTestSupport
import Foundation
import Testing

/// What the server's memory does under large requests, measured on the processes
/// themselves. `scripts/test` runs this suite alone, after the others: what it measures
/// must not be skewed by other suites, and its load must not slow their browsers.
@Suite(.serialized) struct ResourceUseTests {
    /// A process's resident memory in megabytes: `VmHWM` (its peak) or `VmRSS` (now).
    static func memory(_ pid: Int32, _ field: String) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    /// Issue 19: a 53 MB plan raised the server from 83 MB to 3.2 GB, and a second one to
    /// 6.4 GB, kept, where `validate` of the same files took 275 MB. Here 20,000 jobs (the
    /// benchmark, scripts/bench-sync-server, measures 110,000 in release mode).
    @Test func aLargePlanThroughTheServerCostsAboutWhatTheLocalCommandCosts() async throws {
        let folder = try TemporaryFolder()
        for index in 0..<20_000 {
            try folder.write(
                "jobs.d/team\(index % 50)/job_\(index).yaml",
                "job_id: job_\(index)\ndescription: Job number \(index), which does something important\n"
                    + "schedule: \"\(index % 60) * * * *\"\ntimezone: Europe/Berlin\ntolerance: 2m\ntags: [team\(index % 50)]\n"
            )
        }
        let jobs = folder.url("jobs.d")
        // The local command's peak, as /usr/bin/time reports it (kilobytes).
        let local = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/time"),
            ["-f", "%M", ProductRunner.productURL("cronicle-sync").path, "validate", jobs])
        #expect(local.status == 0, "\(local.standardError.suffix(300))")
        let localPeak = try #require(Double(local.standardError.split(separator: "\n").last ?? "")) / 1024

        let server = try RunningProduct("cronicle", ["serve", "--db", folder.url("cronicle.db"), "--port", "0"])
        let port = try #require(try await server.waitForError(matching: "listening on http://127.0.0.1:([0-9]+)"))
        let idle = try Self.memory(server.processIdentifier, "VmRSS")
        for _ in 0..<2 {
            let plan = try await ProductRunner.run(
                "cronicle-sync", ["plan", "--dir", jobs, "--source", "bench", "--server", "http://127.0.0.1:\(port)"])
            #expect(plan.standardOutput.contains("Plan: 20000 to create"), "\(plan.standardError.suffix(300))")
        }
        let peak = try Self.memory(server.processIdentifier, "VmHWM")
        let after = try Self.memory(server.processIdentifier, "VmRSS")
        try await server.stop()
        #expect(peak - idle <= 3 * localPeak, "the server grew by \(peak - idle) MB; validate took \(localPeak) MB")
        // What the plans took is given back, not kept for the next one.
        #expect(after - idle <= (peak - idle) / 2, "idle \(idle) MB, peak \(peak) MB, after \(after) MB")
    }
}
