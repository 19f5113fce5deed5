import Foundation
import MonitorStorage
import MonitorStoragePostgres
import Synchronization

/// A probe of the set-based shape (not the store's code): the starts and the ends waiting
/// on one lane go to PostgreSQL as one transaction of a few statements over arrays (the
/// batch's job locks in key order, one read, one INSERT or UPDATE, one upsert), instead of a
/// few statements per ping. It says whether that shape reaches the ping goal, which one
/// transaction per ping cannot on this machine (docs/performance.md).
final class SetBatcher: Sendable {
    enum Request: Sendable {
        case start(job: String, CheckedContinuation<Int64, any Error>)
        case end(job: String, run: Int64, CheckedContinuation<Void, any Error>)
    }

    private struct State {
        var pending: [Request] = []
        var flushing = false
    }

    private let lane: PostgresLane
    private let state = Mutex(State())

    init(lane: PostgresLane) { self.lane = lane }

    func start(job: String) async throws -> Int64 {
        try await withCheckedThrowingContinuation { submit(.start(job: job, $0)) }
    }

    func end(job: String, run: Int64) async throws {
        try await withCheckedThrowingContinuation { submit(.end(job: job, run: run, $0)) }
    }

    private func submit(_ request: Request) {
        let flush = state.withLock { state -> Bool in
            state.pending.append(request)
            guard !state.flushing else { return false }
            state.flushing = true
            return true
        }
        if flush { Task { await self.flushWhileWaiting() } }
    }

    private func flushWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Request] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await flush(batch)
        }
    }

    private func flush(_ batch: [Request]) async {
        var startJobs: [String] = []
        var endJobs: [String] = []
        var endRuns: [Int64] = []
        for request in batch {
            switch request {
            case .start(let job, _): startJobs.append(job)
            case .end(let job, let run, _):
                endJobs.append(job)
                endRuns.append(run)
            }
        }
        let hasStarts = !startJobs.isEmpty
        let runs = endRuns
        let starts = json(startJobs)
        let ends = json(endJobs)
        let all = json(startJobs + endJobs)
        let now = Date()
        do {
            let ids = try await lane.transaction { session -> [Int64] in
                try session.execute(
                    """
                    SELECT pg_advisory_xact_lock(1, key) FROM (SELECT DISTINCT hashtext(value) AS key
                    FROM json_array_elements_text(CAST(? AS json))) keys ORDER BY key
                    """, [.text(all)])
                let paused = try session.fetchAll(
                    """
                    SELECT job_id FROM bench_jobs WHERE paused
                    AND job_id IN (SELECT json_array_elements_text(CAST(? AS json)))
                    """, [.text(all)])
                guard paused.isEmpty else { throw CancellationError() }
                var ids: [Int64] = []
                if hasStarts {
                    ids = try session.fetchAll(
                        """
                        INSERT INTO bench_runs (job_id, start_time, status)
                        SELECT value, ?, 'running' FROM json_array_elements_text(CAST(? AS json)) WITH ORDINALITY
                        ORDER BY ordinality RETURNING id
                        """, [.date(now), .text(starts)]
                    ).map { try $0.int64(0) }
                }
                if !runs.isEmpty {
                    try session.execute(
                        """
                        UPDATE bench_runs SET end_time = ?, status = 'succeeded'
                        WHERE id IN \(session.dialect.idList("?")) AND end_time IS NULL
                        """, [.date(now), .integers(runs)])
                    try session.execute(
                        """
                        INSERT INTO bench_totals (job_id, runs, succeeded)
                        SELECT value, count(*), count(*) FROM json_array_elements_text(CAST(? AS json)) GROUP BY value
                        ON CONFLICT (job_id) DO UPDATE SET runs = bench_totals.runs + excluded.runs,
                            succeeded = bench_totals.succeeded + excluded.succeeded
                        """, [.text(ends)])
                }
                return ids
            }
            var nextID = ids.makeIterator()
            for request in batch {
                switch request {
                case .start(_, let continuation): continuation.resume(returning: nextID.next()!)
                case .end(_, _, let continuation): continuation.resume()
                }
            }
        } catch {
            for request in batch {
                switch request {
                case .start(_, let continuation): continuation.resume(throwing: error)
                case .end(_, _, let continuation): continuation.resume(throwing: error)
                }
            }
        }
    }

    private func json(_ strings: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(strings), as: UTF8.self)
    }
}
