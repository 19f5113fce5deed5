import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// One alert as the job and alert pages list it.
struct AlertRow {
    let context: [String: Any]

    init(_ alert: JobAlert) {
        let label = DashboardFormat.label(alert.kind)
        let state: AlertListPage.State =
            alert.resolvedAt != nil ? .resolved : alert.acknowledged ? .acknowledged : .open
        var context: [String: Any] = [
            "id": Int(alert.id), "type": alert.kind.rawValue, "label": label.text, "icon": label.icon,
            "state": state.rawValue,
            "open": state == .open, "createdAt": Timestamp.string(from: alert.createdAt),
        ]
        if let jobID = alert.jobID {
            context["jobID"] = jobID
            context["jobHref"] = DashboardFormat.jobHref(jobID)
        } else if let channel = alert.channel {
            // A channel's alert links to its deliveries instead of a job.
            context["jobID"] = "channel \(channel)"
            context["jobHref"] = DashboardFormat.href("/ui/notifications", [("channel", channel)])
        }
        switch alert.kind {
        case .channelFailing:
            context["detail"] = "notifications to \(alert.channel ?? "?") are not being delivered"
        case .missedJob:
            var detail = "\(alert.missedCount) fire time\(alert.missedCount == 1 ? "" : "s") missed"
            if let fireTime = alert.fireTime { detail += ", first " + Timestamp.string(from: fireTime) }
            if let last = alert.lastFireTime, alert.missedCount > 1 {
                detail += ", last " + Timestamp.string(from: last)
            }
            context["detail"] = detail
        case .longRunning:
            context["detail"] = "run " + (alert.runID ?? "?")
        case .tooFast:
            context["detail"] =
                "\(alert.failureCount) run\(alert.failureCount == 1 ? "" : "s") shorter than min_runtime"
        case .failed:
            var detail = "\(alert.failureCount) failed run\(alert.failureCount == 1 ? "" : "s")"
            if let last = alert.lastRunID ?? alert.runID { detail += ", last " + last }
            context["detail"] = detail
        }
        if let acknowledged = alert.acknowledgedAt { context["acknowledgedAt"] = Timestamp.string(from: acknowledged) }
        if let resolved = alert.resolvedAt { context["resolvedAt"] = Timestamp.string(from: resolved) }
        self.context = context
    }
}
