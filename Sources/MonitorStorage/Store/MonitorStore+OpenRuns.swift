import Foundation
import MonitorDomain

extension MonitorStore {
    /// What makes a run open: started, not yet ended. Every query over open runs is built
    /// from this predicate (``openRunsSQL(_:of:newestFirst:limit:)``), and the partial index
    /// `job_runs_open` is declared with it.
    static let openRunPredicate = "status = 'running'"

    /// The one query over open runs: `columns` of the open runs of `job` (an SQL
    /// expression: `?`, or a column of an outer query such as `c.job_id`; nil for every
    /// job), oldest first, through the index of open runs, so a job with 800,000 open
    /// runs costs what one with a single open run costs. `limit` is SQL too (`1`,
    /// `1 OFFSET ?`).
    static func openRunsSQL(
        _ columns: String, of job: String? = "?", newestFirst: Bool = false, limit: String? = nil,
        dialect: SQLDialect = .sqlite
    ) -> String {
        var sql = "SELECT \(columns) FROM job_runs\(dialect.indexedBy("job_runs_open")) WHERE \(openRunPredicate)"
        if let job { sql += " AND job_id = \(job)" }
        sql += newestFirst ? " ORDER BY id DESC" : " ORDER BY id"
        if let limit { sql += " LIMIT \(limit)" }
        return sql
    }

    /// Open runs, to watch their `max_runtime` deadlines: one job's, or every job's.
    static func fetchOpenRuns(_ session: any SQLSession, jobID: String?) throws -> [(
        runID: String, jobID: String, start: Date
    )] {
        try session.fetchAll(
            openRunsSQL("run_id, job_id, start_time", of: jobID == nil ? nil : "?", dialect: session.dialect),
            jobID.map { [.text($0)] } ?? []
        ).compactMap { row in
            // An open run always has its start; the guard keeps a hand-edited row from stopping the engine.
            guard let start = try row.optionalDate(2) else { return nil }
            return (runID: try row.text(0), jobID: try row.text(1), start: start)
        }
    }

    /// Open runs of one job, to recompute their long-running deadlines after its `max_runtime` changed.
    public func openRuns(jobID: String) async throws -> [(runID: String, start: Date)] {
        try await read { session in
            try Self.fetchOpenRuns(session, jobID: jobID).map { (runID: $0.runID, start: $0.start) }
        }
    }
}
