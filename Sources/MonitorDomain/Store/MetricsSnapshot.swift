import Foundation

/// What `GET /metrics` reads from the store, in one transaction so its parts agree:
/// every job with its status and run totals, the notification outbox, the latest applies.
public struct MetricsSnapshot: Sendable {
    /// Every job, by job id.
    public var jobs: [JobMetrics]
    /// Deliveries waiting to be sent or retried.
    public var pendingDeliveries: Int
    /// When the oldest pending delivery was queued; nil when none is pending.
    public var oldestPendingDelivery: Date?
    /// When the latest apply of each result (`applied`, `failed`) was recorded.
    public var lastApplies: [SyncRecord.Result: Date]

    public init(
        jobs: [JobMetrics] = [], pendingDeliveries: Int = 0, oldestPendingDelivery: Date? = nil,
        lastApplies: [SyncRecord.Result: Date] = [:]
    ) {
        self.jobs = jobs
        self.pendingDeliveries = pendingDeliveries
        self.oldestPendingDelivery = oldestPendingDelivery
        self.lastApplies = lastApplies
    }
}
