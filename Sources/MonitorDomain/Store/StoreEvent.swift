import Foundation

/// A change the store has committed, told to whoever listens in this process.
///
/// Changes made by another process (`cronicle-sync --db`) are not told here; the alert
/// engine finds those in the `job_config_changes` table.
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
}
