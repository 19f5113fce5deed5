import Config
import Cron
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// What `/ui/jobs/{job_id}` shows: the job's definition and where it comes from, its
/// status and next five fire times, a chart of recent durations, its alerts, and its
/// run history a page at a time with everything each client sent.
struct JobPage {
    static let runsPerPage = 25
    /// Runs in the duration chart.
    static let chartRuns = 60
    /// Alerts listed; the alerts page has the rest.
    static let alertsShown = 20
    /// Notifications of its alerts listed; the notifications page has the rest.
    static let deliveriesShown = 20
    /// Bytes of each run's output shown on the page; the whole is a link away.
    static let outputPreviewBytes = 4096

    let context: [String: Any]

    /// The page of `jobID`: `job` with its status, or nil when the job was deleted (or
    /// pruned by sync) and only its history remains.
    init(
        jobID: String, job: (job: Job, status: JobStatus)?, runs: Page<JobRun>, outputs: [String: RunOutput] = [:],
        chartRuns: [JobRun], alerts: Page<JobAlert>, alertRuns: [String: JobRun] = [:], deliveries: Page<Delivery>,
        baseURL: String? = nil, now: Date
    ) {
        var context: [String: Any] = [
            "title": jobID, "id": jobID,
            "alertsHref": DashboardFormat.href("/ui/alerts", [("state", "all"), ("job_id", jobID)]),
        ]
        if let (job, status) = job {
            context.merge(Self.definition(job, status: status, now: now)) { _, new in new }
            if let baseURL {
                context["ping"] = Self.pingSnippets(
                    pingURL: job.definition.pingUUID.map { "\(baseURL)/ping/\($0)" }, jobID: jobID, baseURL: baseURL)
            }
            let paused = job.isPaused
            context["jobAction"] = [
                "url": DashboardFormat.jobActionPath(jobID, paused ? "resume" : "pause"),
                "verb": paused ? "resume" : "pause", "name": paused ? "Resume" : "Pause",
                "hint": paused
                    ? "Watch this job again: alerts resume from its next fire time"
                    : "Stop alerting for this job until it is resumed",
            ]
            context["snoozeAction"] = [
                "url": DashboardFormat.jobActionPath(jobID, "snooze"),
                "presets": [("1h", "1 hour"), ("4h", "4 hours"), ("1d", "1 day"), ("3d", "3 days"), ("7d", "7 days")]
                    .map { ["value": $0.0, "text": $0.1] },
            ]
            if let pause = job.operatorPause {
                var values: [String: Any] = ["by": pause.by, "at": DashboardFormat.time(pause.at)]
                if let reason = pause.reason { values["reason"] = reason }
                context["operatorPause"] = values
            }
            if let snooze = job.activeSnooze(at: now) {
                var values: [String: Any] = [
                    "by": snooze.by, "until": DashboardFormat.time(snooze.until),
                    "endURL": DashboardFormat.jobActionPath(jobID, "snooze"),
                ]
                if let reason = snooze.reason { values["reason"] = reason }
                context["snooze"] = values
            }
            context["chart"] =
                job.definition.isHealthCheck
                ? nil
                : DurationChart(runs: chartRuns, maxRuntime: job.definition.maxRuntime, now: now).context
        } else {
            context["deleted"] = true
            context["chart"] = DurationChart(runs: chartRuns, maxRuntime: nil, now: now).context
        }
        context["alerts"] = alerts.items.map { alert in
            AlertRow(alert, run: AlertRow.runID(of: alert).flatMap { alertRuns[$0] }).context
        }
        context["moreAlerts"] = alerts.total > alerts.items.count
        context["alertTotal"] = alerts.total
        context["deliveries"] = deliveries.items.map { DeliveryRow($0).context }
        context["moreDeliveries"] = deliveries.total > deliveries.items.count
        context["deliveryTotal"] = deliveries.total
        context["deliveriesHref"] = DashboardFormat.href("/ui/notifications", [("job_id", jobID)])
        context["runs"] = runs.items.map { RunRow($0, output: outputs[$0.runID], now: now).context }
        context["pager"] = DashboardFormat.pager(
            page: runs.page.page, perPage: runs.page.perPage, total: runs.total, noun: "runs"
        ) { page in DashboardFormat.href(DashboardFormat.jobHref(jobID), [("page", String(page))]) }
        self.context = context
    }

    /// What the page says about a job that exists: its state, definition, source and
    /// coming fire times.
    static func definition(_ job: Job, status: JobStatus, now: Date) -> [String: Any] {
        let definition = job.definition
        let label = DashboardFormat.label(status.state)
        var context: [String: Any] = [
            "state": status.state.rawValue, "label": label.text, "icon": label.icon, "schedule": definition.timingText,
            "timezone": definition.timezone,
            "explanation": definition.scheduleExplanation ?? "",
            "tolerance": definition.tolerance.description, "healthCheck": definition.isHealthCheck,
            "paused": job.isPaused, "tags": definition.tags, "managedBy": job.managedBy.rawValue,
            "createdAt": DashboardFormat.time(job.createdAt), "updatedAt": DashboardFormat.time(job.updatedAt),
            "watchedSince": DashboardFormat.time(job.watchedSince),
        ]
        if let description = definition.description { context["description"] = description }
        if let maxRuntime = definition.maxRuntime { context["maxRuntime"] = maxRuntime.description }
        if let minRuntime = definition.minRuntime { context["minRuntime"] = minRuntime.description }
        context["failureThreshold"] = definition.failureThreshold > 1 ? definition.failureThreshold : nil
        if let streak = JobListPage.streakText(status, threshold: definition.failureThreshold) {
            context["streak"] = streak
        }
        if !definition.labels.isEmpty {
            context["labels"] = ["items": definition.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }]
        }
        if let deadline = status.deadline { context["deadline"] = DashboardFormat.time(deadline) }
        context["expectText"] = definition.expect == .end ? "an end (or success ping)" : "a start (or success ping)"
        context["firstRunOnly"] = definition.watchFrom == .firstRun
        if definition.every != nil, let next = status.nextFireTime {
            context["nextExpected"] = DashboardFormat.time(next)
        }
        if let source = job.origin {
            var fields: [String: Any] = ["file": source.file, "line": source.line]
            if let repository = source.repository { fields["repository"] = repository }
            fields["owner"] = source.ownerDescription
            if let commit = source.commit {
                fields["commit"] = commit
                fields["shortCommit"] = SyncSource.shortCommit(commit)
            }
            context["source"] = fields
        }
        context["fireTimes"] = nextFireTimes(definition, after: max(now, job.watchedSince))
        return context
    }

    /// How a job reports its runs, ready to copy, in the forms docs/pings.md and
    /// docs/exec.md give: its ping URL with curl (when it has one), the JSON API's start
    /// and end with curl, and `cronicle exec`.
    static func pingSnippets(pingURL: String?, jobID: String, baseURL: String) -> [String: Any] {
        // Quiet unless something is wrong, 10 s at most, retries while the monitor restarts.
        let curl = "curl -fsS -m 10 --retry 5 -o /dev/null"
        let jobURL = baseURL + DashboardFormat.jobActionPath(jobID, "")
        var snippets: [[String: Any]] = []
        if let pingURL {
            snippets += [
                [
                    "id": "snippet-curl", "title": "After the job succeeds (crontab, scripts)",
                    "text": "\(curl) \(pingURL)",
                ],
                [
                    "id": "snippet-start", "title": "Start and end, with the exit status",
                    "text": "\(curl) \(pingURL)/start\nyour-command\n\(curl) \(pingURL)/$?",
                ],
            ]
        }
        snippets += [
            [
                "id": "snippet-api", "title": "Start and end through the JSON API",
                "text": "\(curl) -X POST \(jobURL)start\nyour-command\n\(curl) -X POST \"\(jobURL)end?exit_code=$?\"",
            ],
            [
                "id": "snippet-exec", "title": "cronicle exec: pings, exit status and output for you",
                "text": "cronicle exec --server \(baseURL) --job \(jobID) -- your-command",
            ],
        ]
        if let pingURL {
            snippets.append([
                "id": "snippet-exec-ping", "title": "cronicle exec with the ping URL (no job id needed)",
                "text": "cronicle exec --ping-url \(pingURL) -- your-command",
            ])
        }
        var context: [String: Any] = ["snippets": snippets]
        if let pingURL { context["url"] = pingURL }
        return context
    }

    /// The next five fire times, in UTC and in the job's zone.
    static func nextFireTimes(_ definition: JobDefinition, after date: Date) -> [[String: Any]] {
        guard let schedule = definition.cronSchedule else { return [] }
        return schedule.fireTimes(after: date).prefix(5).map { time in
            ["utc": DashboardFormat.time(time), "local": schedule.localTimestamp(time)]
        }
    }
}
