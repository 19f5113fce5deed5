import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import Testing

@testable import MonitorStorage

/// Every job's status at once (`statuses()`, `metricsSnapshot()`) reads one row per job
/// and pairs rows with the jobs in memory by walking both in SQLite's order of ids: it
/// must give each job exactly what its own status does, whatever its id sorts like.
@Suite struct JobStatusesTests {
    static let author = ChangeAuthor("test", via: .api)

    @Test func everyJobsStatusAtOnceIsEachJobsOwn() async throws {
        let folder = try TemporaryFolder()
        let clock = ManualClock("2026-11-28T06:00:00Z")
        let store = try MonitorStore(path: folder.url("cronicle.db"), clock: clock)
        // Upper case sorts before lower case, and `-` before `.` before digits before `_`
        // in SQLite's byte order; jobs without any run sit between jobs with runs.
        let ids = ["Zeta", "a-b", "a.b", "a0", "a_b", "alpha", "beta", "gamma"]
        for id in ids.shuffled() {
            _ = try await store.saveJob(JobDefinition(jobID: id, schedule: "*/10 * * * *"), by: Self.author)
        }
        _ = try await store.endRun(.id("Zeta"), RunEnd(runID: "zeta-1", exitCode: 3, message: "disk full"))
        _ = try await store.startRun(.id("a.b"), RunStart(runID: "ab-1"))
        clock.advance(by: 5)
        _ = try await store.endRun(.id("a.b"), RunEnd(runID: "ab-1", exitCode: 0))
        clock.advance(by: 25)
        _ = try await store.startRun(.id("a_b"), RunStart(runID: "a_b-open"))
        _ = try await store.endRun(.id("alpha"), RunEnd(runID: "alpha-1", exitCode: 0))
        _ = try await store.endRun(.id("alpha"), RunEnd(runID: "alpha-2", exitCode: 1))
        _ = try await store.endRun(.id("alpha"), RunEnd(runID: "alpha-3", exitCode: 1))
        _ = try await store.setPaused("gamma", true, by: Self.author, reason: nil)
        clock.advance(by: 9 * 60)

        let all = try await store.statuses()
        #expect(all.map(\.job.jobID) == ids)
        for (job, status) in all {
            let own = try await store.status(jobID: job.jobID)
            #expect(status.jobID == job.jobID)
            #expect(status.state == own.state, "\(job.jobID)")
            #expect(status.lastRun?.runID == own.lastRun?.runID, "\(job.jobID)")
            #expect(status.lastRun?.message == own.lastRun?.message, "\(job.jobID)")
            #expect(status.lastRun?.startTime == own.lastRun?.startTime, "\(job.jobID)")
            #expect(status.lastRun?.endTime == own.lastRun?.endTime, "\(job.jobID)")
            #expect(status.failureStreak == own.failureStreak, "\(job.jobID)")
            #expect(status.openAlerts.map(\.id) == own.openAlerts.map(\.id), "\(job.jobID)")
            #expect(status.deadline == own.deadline && status.nextFireTime == own.nextFireTime, "\(job.jobID)")
        }
        let states = Dictionary(uniqueKeysWithValues: all.map { ($0.job.jobID, $0.status.state) })
        #expect(
            states == [
                "Zeta": .failed, "a-b": .new, "a.b": .ok, "a0": .new, "a_b": .running, "alpha": .failed,
                "beta": .new, "gamma": .paused,
            ])
        #expect(all.first { $0.job.jobID == "alpha" }?.status.failureStreak == 2)
        #expect(all.first { $0.job.jobID == "Zeta" }?.status.lastRun?.exitCode == 3)
        #expect(
            all.first { $0.job.jobID == "a_b" }?.status.lastRun?.startTime
                == ISO8601DateFormatter().date(from: "2026-11-28T06:00:30Z"))

        let snapshot = try await store.metricsSnapshot()
        #expect(snapshot.jobs.map(\.job.jobID) == ids)
        let totals = Dictionary(uniqueKeysWithValues: snapshot.jobs.map { ($0.job.jobID, $0.runs) })
        #expect(totals["alpha"]?.succeeded == 1 && totals["alpha"]?.failed == 2)
        #expect(totals["Zeta"]?.failed == 1 && totals["a.b"]?.succeeded == 1)
        #expect(totals["a_b"] == JobMetrics.RunTotals(), "an open run is counted once it ends")
        #expect(snapshot.jobs.map(\.status.state) == all.map(\.status.state))
    }

    /// Rows and jobs are the same set when both are read in one transaction, but the walk
    /// must also pair them right when they are not (a job row of another process's): it
    /// skips each side's extras by SQLite's byte order of ids.
    @Test func jobsAndRowsArePairedByIdWhenTheyDiffer() async throws {
        let folder = try TemporaryFolder()
        let clock = ManualClock("2026-11-28T06:00:00Z")
        let store = try MonitorStore(path: folder.url("cronicle.db"), clock: clock)
        for id in ["Zeta", "a-b", "a.b", "a0", "a_b", "alpha"] {
            _ = try await store.saveJob(JobDefinition(jobID: id, schedule: "@daily"), by: Self.author)
            _ = try await store.endRun(.id(id), RunEnd(runID: "\(id)-run", exitCode: id.count))
        }
        var asked = try await store.jobs().enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        // And two jobs without a row (as if deleted by another process since): before the
        // rows' first and after their last.
        let now = clock.now
        for id in ["0first", "zz"] {
            let job = Job(
                definition: JobDefinition(jobID: id, schedule: "@daily"), createdAt: now, updatedAt: now,
                watchedSince: now)
            asked.insert(job, at: id == "zz" ? asked.endIndex : 0)
        }
        #expect(asked.map(\.jobID) == ["0first", "a-b", "a0", "alpha", "zz"])
        let everyOther = asked
        let statuses = try await store.read { session in
            try MonitorStore.fetchStatuses(session, jobs: everyOther, now: now)
        }
        #expect(statuses.map(\.job.jobID) == ["0first", "a-b", "a0", "alpha", "zz"])
        #expect(statuses.map { $0.status.lastRun?.runID } == [nil, "a-b-run", "a0-run", "alpha-run", nil])
        #expect(statuses.map { $0.status.lastRun?.exitCode } == [nil, 3, 2, 5, nil])
        #expect(statuses.map(\.status.state) == [.new, .failed, .failed, .failed, .new])
    }
}
