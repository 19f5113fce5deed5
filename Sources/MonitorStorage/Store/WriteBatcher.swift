import Foundation
import GRDB
import MonitorDomain

/// Group commit: writes that arrive while a transaction is being committed wait, and
/// go together into the next one. All of a batch's callers are answered only after
/// its commit (and fsync) returned, so "recorded" always means "on disk".
///
/// Writes come in two lanes. Requests (pings, API changes) are batched together; the
/// monitor's own background work (the engine's deadlines, the outbox's outcomes, the
/// reminders, retention) goes one operation per transaction, and only when no request waits, or
/// once it has waited 20 ms: a ping waits behind the background operations already due
/// (seldom more than one: the engine, the outbox and retention each have one at a time),
/// not behind every one queued with it, and a flood of pings cannot hold an alert back
/// for long.
///
/// Operations must throw ``MonitorError`` (not found, conflict...) only before they
/// write anything; the store's operations check first, then write. That lets a batch
/// run without a savepoint per operation (they cost an eighth of the writer's time).
/// If an operation fails any other way (a database error), the whole batch is rolled
/// back and each operation is replayed alone, in its own savepoint and transaction,
/// so no operation can leave half its writes in another's commit.
final class WriteBatcher: Sendable {
    private struct Pending: Sendable {
        /// When it was queued (monotonic), for the background lane's patience.
        var queuedAt = ContinuousClock.now
        /// Runs the operation, keeping its outcome; returns false if it failed in a way
        /// that may have left partial writes (anything but a ``MonitorError``).
        let perform: @Sendable (Database, _ isolated: Bool) -> Bool
        /// Answers the caller: with its own outcome if the commit succeeded, else the commit's error.
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// Thrown inside a batch's transaction to roll it back before replaying its operations.
    private struct ReplayAlone: Error {}

    /// The queue and the thread that drains it. The thread holds the core, not the
    /// batcher, so the batcher's end (with its store's) stops the thread.
    private final class Core: @unchecked Sendable {
        // Unchecked: `queue`, `background` and `stopped` are only touched with `condition` locked.
        let condition = NSCondition()
        var queue: [Pending] = []
        var background: [Pending] = []
        var stopped = false
        let pool: DatabasePool
        /// Largest number of writes committed in one transaction, to bound latency.
        let maximumBatch = 512
        /// How long a background operation lets requests go first.
        let backgroundPatience: Duration

        init(pool: DatabasePool, backgroundPatience: Duration) {
            self.pool = pool
            self.backgroundPatience = backgroundPatience
        }

        /// Writes queued and not yet taken by the writer thread.
        var waiting: Int {
            condition.lock()
            defer { condition.unlock() }
            return queue.count + background.count
        }

        func enqueue(_ pending: Pending, lane: WriteLane) {
            condition.lock()
            switch lane {
            case .requests: queue.append(pending)
            case .background: background.append(pending)
            }
            condition.signal()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }

        /// The writer thread: takes what is queued, commits it as one transaction, answers.
        func run() {
            while true {
                condition.lock()
                while queue.isEmpty && background.isEmpty && !stopped { condition.wait() }
                if queue.isEmpty && background.isEmpty {
                    condition.unlock()
                    return
                }
                let batch: [Pending]
                // A background write goes when no request waits, or once it has waited its
                // patience. Letting overdue ones take only every other turn bounded the
                // requests' wait better on paper but measured no better: the burst's work
                // then lasted longer (docs/performance.md, notifications).
                if let oldest = background.first,
                    queue.isEmpty || ContinuousClock.now - oldest.queuedAt >= backgroundPatience
                {
                    batch = [background.removeFirst()]
                } else {
                    batch = Array(queue.prefix(maximumBatch))
                    queue.removeFirst(batch.count)
                }
                condition.unlock()
                commit(batch)
            }
        }

        private func commit(_ batch: [Pending]) {
            do {
                try pool.write { db in
                    for pending in batch where !pending.perform(db, false) { throw ReplayAlone() }
                }
                for pending in batch { pending.finish(nil) }
            } catch is ReplayAlone {
                for pending in batch {
                    do {
                        try pool.write { db in _ = pending.perform(db, true) }
                        pending.finish(nil)
                    } catch {
                        pending.finish(error)
                    }
                }
            } catch {
                for pending in batch { pending.finish(error) }
            }
        }
    }

    private let core: Core

    /// `backgroundPatience`: how long a background write lets requests go first (tests
    /// set it to show both orders).
    init(pool: DatabasePool, backgroundPatience: Duration = .milliseconds(20)) {
        core = Core(pool: pool, backgroundPatience: backgroundPatience)
        let core = core
        // A thread of its own rather than a task: a batch is committed, fsync included,
        // where it was taken off the queue, with no hop between executors on the way.
        let thread = Thread { core.run() }
        thread.name = "cronicle-writer"
        thread.start()
    }

    deinit {
        core.stop()
    }

    /// Writes queued and not yet taken by the writer thread.
    var waiting: Int { core.waiting }

    func write<T: Sendable>(
        lane: WriteLane = .requests, _ operation: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            core.enqueue(
                Pending(
                    perform: { db, isolated in
                        let result = Result { () throws -> T in
                            isolated ? try Self.inSavepoint(db) { try operation(db) } : try operation(db)
                        }
                        outcome.result = result
                        if case .failure(let error) = result, !(error is MonitorError) { return false }
                        return true
                    },
                    finish: { commitError in
                        if let commitError {
                            continuation.resume(throwing: commitError)
                        } else {
                            continuation.resume(with: outcome.result!)
                        }
                    }),
                lane: lane)
        }
    }

    /// An operation's outcome, written by `perform` and read by `finish`, both on the
    /// writer thread, one after the other; it needs no lock.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// Runs `operation` in a savepoint, rolled back alone if it throws.
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
}
