import Config
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// One alert as the job and alert pages list it: what happened in words an operator can
/// act on (a failed run's exit code and message, since when a job is down), and the
/// actions it allows.
struct AlertRow {
    let context: [String: Any]

    /// `run` is the run the alert names (``runID(of:)``), when the store still has it;
    /// `jobPaused` whether its job is paused, nil when the row offers no pause or resume
    /// (the job page has its own, and a deleted job has none).
    init(_ alert: JobAlert, run: JobRun? = nil, jobPaused: Bool? = nil) {
        let label = DashboardFormat.label(alert.kind)
        let state: AlertListPage.State =
            alert.resolvedAt != nil ? .resolved : alert.acknowledged ? .acknowledged : .open
        var context: [String: Any] = [
            "id": Int(alert.id), "type": alert.kind.rawValue, "label": label.text, "icon": label.icon,
            "state": state.rawValue,
            "open": state == .open, "createdAt": DashboardFormat.time(alert.createdAt),
        ]
        if let jobID = alert.jobID {
            context["jobID"] = jobID
            context["jobHref"] = DashboardFormat.jobHref(jobID)
            if let jobPaused, alert.resolvedAt == nil {
                context["rowJobAction"] = [
                    "url": DashboardFormat.jobActionPath(jobID, jobPaused ? "resume" : "pause"),
                    "verb": jobPaused ? "resume" : "pause", "name": jobPaused ? "Resume job" : "Pause job",
                ]
                context["rowSnooze"] = ["url": DashboardFormat.jobActionPath(jobID, "snooze")]
            }
        } else if let channel = alert.channel {
            // A channel's alert links to its deliveries instead of a job.
            context["jobID"] = "channel \(channel)"
            context["jobHref"] = DashboardFormat.href("/ui/notifications", [("channel", channel)])
        }
        switch alert.kind {
        case .channelFailing:
            context["detail"] = "notifications to \(alert.channel ?? "?") are not being delivered"
        case .missedJob:
            // Down since the first fire time it missed: the moment the job was due and did not come.
            context["sinceLabel"] = "down since"
            context["since"] = DashboardFormat.time(alert.fireTime ?? alert.createdAt)
            context["detail"] = "\(alert.missedCount) fire time\(alert.missedCount == 1 ? "" : "s") missed"
        case .longRunning:
            if let start = run?.startTime {
                context["sinceLabel"] = "running since"
                context["since"] = DashboardFormat.time(start)
            }
            context["detail"] = "run " + (alert.runID ?? "?")
        case .tooFast:
            var detail = "\(alert.failureCount) run\(alert.failureCount == 1 ? "" : "s") shorter than min_runtime"
            if let seconds = run?.durationSeconds {
                detail += ", the last lasted \(JobDuration(seconds: Int(seconds.rounded())))"
            }
            context["detail"] = detail
        case .failed:
            if let run {
                var failed: [String: Any] = [
                    "exitText": run.exitCode.map { "exit code \($0)" } ?? "failed without an exit code"
                ]
                if let message = run.message, !message.isEmpty { failed["message"] = message }
                context["failedRun"] = failed
            } else {
                context["detail"] = "run \(Self.runID(of: alert) ?? "?") is no longer kept"
            }
            if alert.failureCount > 1 { context["streak"] = "\(alert.failureCount) failed runs in a row" }
        }
        if let silenced = alert.silenced, alert.resolvedAt == nil, alert.acknowledgedAt == nil {
            // Held by a snooze or a suppress window: the operator sees that nobody was told yet.
            context["held"] =
                silenced.hasPrefix("window:")
                ? "held by window \(silenced.dropFirst("window:".count))" : "held by a snooze"
        }
        if let acknowledged = alert.acknowledgedAt { context["acknowledgedAt"] = DashboardFormat.time(acknowledged) }
        if let resolved = alert.resolvedAt { context["resolvedAt"] = DashboardFormat.time(resolved) }
        self.context = context
    }

    /// The run whose facts the row shows: a failed alert's latest failed run, a
    /// long_running alert's run; nil for the other kinds.
    static func runID(of alert: JobAlert) -> String? {
        switch alert.kind {
        case .failed: alert.lastRunID ?? alert.runID
        case .longRunning: alert.runID
        case .tooFast: alert.lastRunID ?? alert.runID
        case .missedJob, .channelFailing: nil
        }
    }
}
