import Foundation

/// One notification to one channel, as the outbox keeps it: written in the same
/// transaction as the alert change it tells of, then sent (and retried) by the sender.
/// Its `deliveryID` is stable across retries, so a receiver can drop repeats.
public struct Delivery: Sendable, Hashable {
    /// What a delivery tells of.
    public enum Event: String, Sendable, Hashable, CaseIterable {
        case alertOpened = "alert_opened"
        case alertResolved = "alert_resolved"
        case alertReminder = "alert_reminder"
        case alertAcknowledged = "alert_acknowledged"
        /// An apply, or a watched commit, was refused (no alert: `syncID` names the record).
        case syncFailed = "sync_failed"
        case test
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Not sent yet, or to be tried again at `nextAttemptAt`.
        case pending
        case delivered
        /// Given up: refused for good, or still failing after the retry window.
        case failed
    }

    /// How long after its event a delivery is retried before it fails for good.
    public static let retryWindow: TimeInterval = 86_400

    /// The row's number: deliveries to one channel go out in this order.
    public var id: Int64
    public var deliveryID: String
    public var channel: String
    public var event: Event
    public var alertID: Int64?
    public var jobID: String?
    /// sync_failed: the refused apply in the sync history.
    public var syncID: Int64?
    public var createdAt: Date
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var deliveredAt: Date?

    public init(
        id: Int64, deliveryID: String, channel: String, event: Event, alertID: Int64?, jobID: String?,
        syncID: Int64? = nil, createdAt: Date, status: Status = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil,
        lastStatusCode: Int? = nil, lastError: String? = nil, deliveredAt: Date? = nil
    ) {
        self.id = id
        self.deliveryID = deliveryID
        self.channel = channel
        self.event = event
        self.alertID = alertID
        self.jobID = jobID
        self.syncID = syncID
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }
}

/// What one attempt at a delivery came to.
public enum DeliveryOutcome: Sendable, Hashable {
    case delivered(statusCode: Int?)
    /// Try again at `retryAt`.
    case retry(retryAt: Date, statusCode: Int?, error: String)
    case failed(statusCode: Int?, error: String)
}

/// Filters of `GET /notifications`.
public struct DeliveryQuery: Sendable, Hashable {
    public var channel: String?
    public var alertID: Int64?
    /// Deliveries of this job's alerts.
    public var jobID: String?
    public var status: Delivery.Status?
    public var page: PageRequest

    public init(
        channel: String? = nil, alertID: Int64? = nil, jobID: String? = nil, status: Delivery.Status? = nil,
        page: PageRequest
    ) {
        self.channel = channel
        self.alertID = alertID
        self.jobID = jobID
        self.status = status
        self.page = page
    }
}

/// How a channel's deliveries are going, for `GET /channels` and the dashboard.
public struct ChannelDeliveryState: Sendable, Hashable {
    /// The latest delivery that was attempted or settled.
    public var lastDelivery: Delivery?
    /// When the oldest delivery still pending was created.
    public var oldestPending: Date?

    public init(lastDelivery: Delivery? = nil, oldestPending: Date? = nil) {
        self.lastDelivery = lastDelivery
        self.oldestPending = oldestPending
    }

    /// How old the oldest pending delivery may get before the channel counts as failing.
    public static let pendingLimit: TimeInterval = 600

    /// `failing` when its latest delivery failed for good, or one has waited over 10 minutes.
    public func isFailing(now: Date) -> Bool {
        if lastDelivery?.status == .failed { return true }
        return hasWaitedTooLong(now: now)
    }

    /// Whether the oldest pending delivery has waited over ``pendingLimit``.
    public func hasWaitedTooLong(now: Date) -> Bool {
        oldestPending.map { now.timeIntervalSince($0) > Self.pendingLimit } ?? false
    }
}
