import Foundation
import MonitorDomain

/// One delivery as the notifications page and a job's page list it.
struct DeliveryRow {
    let context: [String: Any]

    init(_ delivery: Delivery) {
        var context: [String: Any] = [
            "deliveryID": delivery.deliveryID, "channel": delivery.channel, "event": delivery.event.rawValue,
            "status": delivery.status.rawValue, "attempts": delivery.attempts,
            "createdAt": DashboardFormat.time(delivery.createdAt),
            "channelHref": DashboardFormat.href("/ui/notifications", [("channel", delivery.channel)]),
            "statusClass": Self.statusClass(delivery.status),
        ]
        if let alertID = delivery.alertID { context["alertID"] = Int(alertID) }
        if let jobID = delivery.jobID {
            context["jobID"] = jobID
            context["jobHref"] = DashboardFormat.jobHref(jobID)
        }
        if let code = delivery.lastStatusCode { context["statusCode"] = code }
        if let error = delivery.lastError { context["error"] = error }
        if let delivered = delivery.deliveredAt { context["deliveredAt"] = DashboardFormat.time(delivered) }
        if let next = delivery.nextAttemptAt { context["nextAttemptAt"] = DashboardFormat.time(next) }
        self.context = context
    }

    static func statusClass(_ status: Delivery.Status) -> String {
        switch status {
        case .delivered: "state-ok"
        case .pending: "state-running"
        case .failed: "state-failed"
        }
    }
}
