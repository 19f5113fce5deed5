import Config
import Foundation
import MonitorDomain

extension Dashboard {
    /// The runs a page of alerts names (``AlertRow/runID(of:)``), by run id.
    ///
    /// One read per distinct run, run concurrently: a page of alerts costs at most its
    /// page size in reads, whatever the number of alerts in the store. The store has no
    /// read of several runs by id; one would make this a single query.
    func runs(namedBy alerts: [JobAlert]) async throws -> [String: JobRun] {
        let runIDs = Set(alerts.compactMap(AlertRow.runID(of:)))
        let store = store
        return try await withThrowingTaskGroup(of: JobRun?.self) { group in
            for runID in runIDs { group.addTask { try await store.run(runID) } }
            var runs: [String: JobRun] = [:]
            for try await run in group { if let run { runs[run.runID] = run } }
            return runs
        }
    }

    /// Whether each job a page of alerts names is paused, by job id, so that each row can
    /// offer pause or resume; deleted jobs are absent. One read per distinct job.
    func pausedJobs(namedBy alerts: [JobAlert]) async throws -> [String: Bool] {
        let jobIDs = Set(alerts.filter { $0.resolvedAt == nil }.compactMap(\.jobID))
        let store = store
        return try await withThrowingTaskGroup(of: Job?.self) { group in
            for jobID in jobIDs { group.addTask { try await store.job(jobID) } }
            var paused: [String: Bool] = [:]
            for try await job in group { if let job { paused[job.jobID] = job.isPaused } }
            return paused
        }
    }
}
