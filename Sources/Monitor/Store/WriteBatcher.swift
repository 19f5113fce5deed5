import Foundation
import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being committed wait, and
/// go together into the next one. Each write runs in its own savepoint, so one that
/// fails rolls back alone; all of a batch's callers are answered only after its
/// commit (and fsync) returned, so "recorded" always means "on disk".
///
/// Under load this turns a thousand inserts and a thousand fsyncs into a few
/// transactions; alone, a write waits for nothing and commits at once.
final class WriteBatcher: Sendable {
    private struct Pending: Sendable {
        /// Runs the caller's operation, keeping its result until the commit is known.
        let perform: @Sendable (Database) -> Void
        /// Answers the caller: with its own outcome if the commit succeeded, else the commit's error.
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Largest number of writes committed in one transaction, to bound latency.
    private let maximumBatch = 512

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let pending = Pending(
                perform: { db in
                    let result = Result { () throws -> T in try Self.inSavepoint(db) { try operation(db) } }
                    outcome.withLock { $0 = result }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.withLock { $0 }!)
                    }
                })
            let startDrain = state.withLock { state -> Bool in
                state.queue.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                Task { await self.drain() }
            }
        }
    }

    /// Runs `operation` in a savepoint of the batch's transaction, rolled back alone if
    /// it throws. Savepoint statements are cached: GRDB's `inSavepoint` parses them anew
    /// each time, which showed up on the writer at thousands of pings per second.
    private static func inSavepoint<T>(_ db: Database, _ operation: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT batched_write").execute()
        do {
            let value = try operation()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT batched_write").execute()
            return value
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT batched_write").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT batched_write").execute()
            throw error
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await pool.write { db in
                    for pending in batch { pending.perform(db) }
                }
                for pending in batch { pending.finish(nil) }
            } catch {
                for pending in batch { pending.finish(error) }
            }
        }
    }
}
