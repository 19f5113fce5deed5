import Config
import Cron
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import Testing

/// The jobs a store keeps decoded in memory (`MonitorStore.allJobs`) follow every change
/// to the file, also one made by another process, such as `cronicle-sync apply --db`.
@Suite struct JobCacheTests {
    static let author = ChangeAuthor("test", via: .api)

    @Test func aChangeThroughAnotherStoreIsSeenAtTheNextRead() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        let server = try MonitorStore(path: path)
        _ = try await server.saveJob(JobDefinition(jobID: "backup", schedule: "@daily"), by: Self.author)
        _ = try await server.saveJob(JobDefinition(jobID: "report", schedule: "@hourly"), by: Self.author)
        #expect(try await server.jobs().map(\.jobID) == ["backup", "report"])

        let other = try MonitorStore(path: path, mode: .existing)
        var changed = JobDefinition(jobID: "backup", schedule: "*/5 * * * *")
        changed.tags = ["db"]
        _ = try await other.saveJob(changed, by: Self.author)
        _ = try await other.saveJob(JobDefinition(jobID: "cleanup", schedule: "@weekly"), by: Self.author)
        try await other.deleteJob("report", by: Self.author)
        _ = try await other.setPaused("cleanup", true, by: Self.author)

        let jobs = try await server.jobs()
        #expect(jobs.map(\.jobID) == ["backup", "cleanup"])
        #expect(jobs.first?.definition.schedule == "*/5 * * * *" && jobs.first?.definition.tags == ["db"])
        #expect(
            jobs.first?.cronSchedule?.nextFireTime(after: Date(timeIntervalSince1970: 0))
                == Date(timeIntervalSince1970: 300))
        #expect(jobs.last?.isPaused == true, "an operator's pause is a change to the row too")
        let statuses = try await server.statuses()
        #expect(statuses.map(\.status.state) == [.new, .paused])
    }
}
