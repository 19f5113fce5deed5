/// A lock a transaction holds until it ends, so that writers on several nodes of one
/// PostgreSQL database act as SQLite's single writer does, narrowed to what they touch.
/// On SQLite taking one is free: the writer is already alone.
package enum SQLLock: Sendable, Hashable {
    /// One job: every ping and every deadline check of the job takes it first.
    case job(String)
    /// Work that one node at a time does.
    case task(SerialTask)

    /// Work serialized across nodes. The raw values are the locks' numbers on
    /// PostgreSQL: never reuse one.
    package enum SerialTask: Int32, Sendable, Hashable, CaseIterable {
        case syncApply = 1
        case reminders = 2
        case silenceRelease = 3
        case retention = 4
        case nodeCleanup = 5
        case migrate = 6
        /// Every write of job configurations (API saves, pauses, snoozes, deletes, applies),
        /// taken before any job's lock: the change log's counter row, which each such write
        /// updates, is then never waited for while a job's lock is held.
        case jobChanges = 7
    }

    /// The number a job's lock is taken by: FNV-1a of the id's UTF-8, 64 bits, the same in
    /// every process and on every node (Swift's `Hasher` is seeded per process), so that
    /// transactions that take several jobs' locks take them in one order everywhere
    /// (``SQLSession/lock(jobs:)``).
    package static func key(ofJob job: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in job.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
