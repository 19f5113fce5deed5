import Foundation
import MonitorDomain
import Synchronization

/// The hot path's second form, on PostgreSQL: the starts and ends waiting are applied
/// together, as a few statements over all of them (``MonitorStore/applyPingBatch(_:_:)``),
/// instead of a transaction of five or six statements each.
///
/// Why it exists: on PostgreSQL a ping's cost is its statements (each one parsed by the
/// server and encoded and decoded by postgres-nio), not its commit. One transaction per
/// ping reached about a thousand pings a second on the 2-core machine of
/// docs/performance.md, where the probe of this shape reached 10,600 to 17,300.
///
/// Only the common cases are applied here: a start that resolves nothing, a successful
/// end of a running run that changes no alert. Everything else (an unknown job, a repeated
/// run id, output, a failure, a job with open alerts or a failure streak) comes back as
/// ``Outcome/general`` and takes the general path, one transaction of its own, after the
/// batch committed: it reads what the batch wrote, so the pings of a batch are applied as
/// if one after the other. A batch that fails sends all its pings the general way, so an
/// error reaches only the ping that caused it; but when the storage itself failed (the
/// database gone, a full disk), every ping of the batch is refused with that error at
/// once, rather than each waiting as long again on the general path. A deadlock that
/// PostgreSQL broke counts as such a failure (503, `storage_unavailable`, as on the general
/// path); a batch can meet one only when two nodes insert the same client run ids for
/// different jobs in opposite orders. `PingBatchTests` runs one script of pings
/// through both forms and compares the tables.
///
/// One batch is in flight at a time; what arrives meanwhile waits for the next one.
package final class PingBatcher: Sendable {
    /// A start or an end, as data: the batch decides from the rows it reads whether it
    /// can apply it.
    struct Ping: Sendable {
        enum Kind: Sendable {
            case start(RunStart)
            /// An end with what ``MonitorStore/endRun(_:_:)`` derived from it.
            case end(RunEnd, status: JobRun.Status, message: String?)
        }

        var job: JobReference
        var kind: Kind
        /// When the ping arrived, to the millisecond.
        var now: Date
        /// The run id a start without one gets.
        var generatedID: String
        /// The ping's `client_info` as stored (compact JSON).
        var clientInfo: String?
    }

    /// What became of a ping.
    enum Outcome: Sendable {
        /// A new run was started; `limited` when it has a `max_runtime` deadline.
        case started(JobRun, limited: Bool)
        /// The run was ended; its stored `client_info` is still text.
        case ended(JobRun, clientInfoText: String?)
        /// Not applied: the general path takes it.
        case general
        /// Not applied, since the storage failed (``MonitorError/Code/storageUnavailable``,
        /// ``MonitorError/Code/storageFull``): the ping is refused with `error`.
        case refused(MonitorError)
    }

    /// How the batches went, for tests and benchmarks.
    package struct Statistics: Sendable, Equatable {
        package var batches = 0
        package var pings = 0
        /// Pings the batches applied (the rest took the general path).
        package var applied = 0
        package var largestBatch = 0
        /// Batches whose transaction failed: their pings took the general path, or were
        /// refused for the storage's failure.
        package var failedBatches = 0
    }

    private struct Waiting {
        var ping: Ping
        var answer: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var flushing = false
        var statistics = Statistics()
    }

    private let state = Mutex(State())
    private let maximumBatch: Int
    private let apply: @Sendable ([Ping]) async throws -> [Outcome]

    /// A batcher that hands up to `maximumBatch` pings at a time to `apply`, which answers
    /// one outcome each, in order.
    init(maximumBatch: Int = 256, apply: @escaping @Sendable ([Ping]) async throws -> [Outcome]) {
        self.maximumBatch = maximumBatch
        self.apply = apply
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// Applies `ping` with the others waiting; ``Outcome/general`` when the caller must
    /// apply it itself.
    func submit(_ ping: Ping) async -> Outcome {
        await withCheckedContinuation { answer in
            let flush = state.withLock { state -> Bool in
                state.waiting.append(Waiting(ping: ping, answer: answer))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if flush { Task { await self.flushWhileWaiting() } }
        }
    }

    private func flushWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            var outcomes: [Outcome]
            var failed = false
            do {
                outcomes = try await apply(batch.map(\.ping))
                precondition(outcomes.count == batch.count, "a ping batch answered \(outcomes.count) of \(batch.count)")
            } catch let error as MonitorError where error.isStorageFault {
                outcomes = Array(repeating: .refused(error), count: batch.count)
                failed = true
            } catch {
                outcomes = Array(repeating: .general, count: batch.count)
                failed = true
            }
            let applied = outcomes.count { outcome in
                switch outcome {
                case .started, .ended: true
                case .general, .refused: false
                }
            }
            state.withLock { state in
                state.statistics.batches += 1
                state.statistics.pings += batch.count
                state.statistics.applied += applied
                state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
                if failed { state.statistics.failedBatches += 1 }
            }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.answer.resume(returning: outcome) }
        }
    }
}
