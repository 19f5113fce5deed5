import Config
import Foundation
import MonitorDomain

extension Dashboard {
    /// The runs a page of alerts names (``AlertRow/runID(of:)``), by run id.
    ///
    /// One read for the page, whatever the number of alerts in the store (50 reads, one
    /// per run, took /ui/alerts from 21 to 57 ms: docs/performance.md).
    func runs(namedBy alerts: [JobAlert]) async throws -> [String: JobRun] {
        let runs = try await store.runs(ids: Array(Set(alerts.compactMap(AlertRow.runID(of:)))))
        return Dictionary(runs.map { ($0.runID, $0) }) { first, _ in first }
    }

    /// Whether each job a page of alerts names is paused, by job id, so that each row can
    /// offer pause or resume; deleted jobs are absent. One read for the page.
    func pausedJobs(namedBy alerts: [JobAlert]) async throws -> [String: Bool] {
        let jobs = try await store.jobs(ids: Array(Set(alerts.filter { $0.resolvedAt == nil }.compactMap(\.jobID))))
        return Dictionary(jobs.map { ($0.jobID, $0.isPaused) }) { first, _ in first }
    }
}
