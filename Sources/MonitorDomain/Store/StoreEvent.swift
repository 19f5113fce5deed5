import Foundation

/// A change the store has committed, told to whoever listens in this process.
///
/// On SQLite, changes made by another process (`cronicle-sync --db`) are not told here;
/// the alert engine finds those in the `job_config_changes` table. On PostgreSQL, the
/// changes other nodes committed are told too, marked remote (``StoreEvents``), as
/// `LISTEN`/`NOTIFY` brings them: a hint that makes pages and the engine quick, never
/// the only way a change is found (a node's last messages die with it).
public enum StoreEvent: Sendable {
    /// One or more job configurations were created, changed or deleted.
    case jobsChanged
    /// A run started; `hasMaxRuntime` when its job gives it a deadline (`max_runtime`,
    /// and not a health check).
    case runStarted(JobRun, hasMaxRuntime: Bool)
    case runEnded(JobRun)
    /// Alerts opened, grew, resolved or were acknowledged, in one committed transaction.
    case alertsChanged([AlertChange])
    /// An apply, applied or failed, was added to the sync history.
    case syncRecorded(SyncRecord)
    /// Deliveries were added to the outbox outside an alert change (a channel test).
    case deliveriesQueued
    /// The nodes sharing the database changed (one joined, one left or lost its lease),
    /// or what they said may have been missed (the node's own notifications channel was
    /// lost for a while): what other nodes did is read again from the database.
    case clusterChanged
}
