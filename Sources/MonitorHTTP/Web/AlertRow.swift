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
            "id": Int(alert.id), "jobID": alert.jobID, "jobHref": DashboardFormat.jobHref(alert.jobID),
            "type": alert.kind.rawValue, "label": label.text, "icon": label.icon, "state": state.rawValue,
            "open": state == .open, "createdAt": Timestamp.string(from: alert.createdAt),
        ]
        switch alert.kind {
        case .missedJob:
            var detail = "\(alert.missedCount) fire time\(alert.missedCount == 1 ? "" : "s") missed"
            if let fireTime = alert.fireTime { detail += ", first " + Timestamp.string(from: fireTime) }
            if let last = alert.lastFireTime, alert.missedCount > 1 {
                detail += ", last " + Timestamp.string(from: last)
            }
            context["detail"] = detail
        case .longRunning:
            context["detail"] = "run " + (alert.runID ?? "?")
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
