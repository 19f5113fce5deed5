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
    }
}
