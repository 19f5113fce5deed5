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
        chartRuns: [JobRun], alerts: Page<JobAlert>, deliveries: Page<Delivery>, baseURL: String? = nil, now: Date
    ) {
        var context: [String: Any] = [
            "title": jobID, "id": jobID,
            "alertsHref": DashboardFormat.href("/ui/alerts", [("state", "all"), ("job_id", jobID)]),
        ]
        if let (job, status) = job {
            context.merge(Self.definition(job, status: status, now: now)) { _, new in new }
            if let baseURL, let uuid = job.definition.pingUUID {
                context["ping"] = Self.pingSnippets(pingURL: "\(baseURL)/ping/\(uuid)", jobID: jobID, baseURL: baseURL)
            }
            context["chart"] =
                job.definition.isHealthCheck
                ? nil
                : DurationChart(runs: chartRuns, maxRuntime: job.definition.maxRuntime, now: now).context
        } else {
            context["deleted"] = true
            context["chart"] = DurationChart(runs: chartRuns, maxRuntime: nil, now: now).context
        }
        context["alerts"] = alerts.items.map(AlertRow.init).map(\.context)
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
            "createdAt": Timestamp.string(from: job.createdAt), "updatedAt": Timestamp.string(from: job.updatedAt),
            "watchedSince": Timestamp.string(from: job.watchedSince),
        ]
        if let description = definition.description { context["description"] = description }
        if let maxRuntime = definition.maxRuntime { context["maxRuntime"] = maxRuntime.description }
        if let deadline = status.deadline { context["deadline"] = Timestamp.string(from: deadline) }
        context["expectText"] = definition.expect == .end ? "an end (or success ping)" : "a start (or success ping)"
        context["firstRunOnly"] = definition.watchFrom == .firstRun
        if definition.every != nil, let next = status.nextFireTime {
            context["nextExpected"] = Timestamp.string(from: next)
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

    /// The job's ping URL and how to call it, ready to copy (DESIGN.md §10, docs/pings.md).
    static func pingSnippets(pingURL: String, jobID: String, baseURL: String) -> [String: Any] {
        let curl = "curl -fsS -m 10 --retry 5 -o /dev/null"
        return [
            "url": pingURL,
            "snippets": [
                [
                    "id": "snippet-curl", "title": "After the job succeeds (crontab, scripts)",
                    "text": "\(curl) \(pingURL)",
                ],
                [
                    "id": "snippet-start", "title": "Start and end, with the exit status",
                    "text": "\(curl) \(pingURL)/start\n/path/to/job.sh\n\(curl) \(pingURL)/$?",
                ],
                [
                    "id": "snippet-exec", "title": "cronicle exec: pings, exit status and output for you",
                    "text": "cronicle exec --ping-url \(pingURL) -- /path/to/job.sh",
                ],
            ],
        ]
    }

    /// The next five fire times, in UTC and in the job's zone.
    static func nextFireTimes(_ definition: JobDefinition, after date: Date) -> [[String: Any]] {
        guard let schedule = definition.cronSchedule else { return [] }
        return schedule.fireTimes(after: date).prefix(5).map { time in
            ["utc": Timestamp.string(from: time), "local": schedule.localTimestamp(time)]
        }
    }
}
