import Config
import Cron
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// What `/` shows: counts per status, then the jobs that match the filters, failing
/// and missed ones first, a page at a time.
struct JobListPage {
    /// Most urgent first: how the list is ordered.
    static let order: [JobStatus.State] = [.missed, .failed, .longRunning, .late, .running, .ok, .new, .paused]

    let context: [String: Any]

    /// `statuses` ordered by job id, as ``MonitorStore/statuses()`` returns them.
    init(
        statuses: [(job: Job, status: JobStatus)], status: JobStatus.State?, tag: String?, search: String?, page: Int,
        pageSize: Int
    ) {
        let tag = tag.flatMap { $0.isEmpty ? nil : $0 }
        let search = search.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        func href(status: JobStatus.State?, page: Int = 1) -> String {
            DashboardFormat.href(
                "/",
                [
                    ("status", status?.rawValue), ("tag", tag), ("q", search), ("page", page > 1 ? String(page) : nil),
                ])
        }
        var counts: [JobStatus.State: Int] = [:]
        for entry in statuses { counts[entry.status.state, default: 0] += 1 }
        // The statuses come ordered by job id: grouping their indices by state keeps that
        // order inside each group, with no sorting (and no copying of jobs) at all.
        var byState: [JobStatus.State: [Int]] = [:]
        for index in statuses.indices {
            let entry = statuses[index]
            guard status == nil || entry.status.state == status,
                tag == nil || entry.job.definition.tags.contains(tag!),
                search == nil || entry.job.jobID.lowercased().contains(search!)
            else { continue }
            byState[entry.status.state, default: []].append(index)
        }
        let matching = Self.order.flatMap { byState[$0] ?? [] }
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(page, pages)
        let shown = matching.dropFirst((page - 1) * pageSize).prefix(pageSize).map { statuses[$0] }
        let allTags = Set(statuses.flatMap { $0.job.definition.tags }).sorted()
        var context: [String: Any] = [
            "title": "Jobs",
            "total": statuses.count,
            "allActive": status == nil,
            "allHref": href(status: nil),
            "query": search ?? "",
            "counts": Self.order.map { state -> [String: Any] in
                let label = DashboardFormat.label(state)
                return [
                    "state": state.rawValue, "label": label.text, "icon": label.icon, "count": counts[state] ?? 0,
                    "active": state == status, "href": href(status: state),
                ]
            },
            "tags": allTags.map { ["name": $0, "selected": $0 == tag] as [String: Any] },
            "jobs": shown.map { entry -> [String: Any] in
                let definition = entry.job.definition
                let label = DashboardFormat.label(entry.status.state)
                var row: [String: Any] = [
                    "id": definition.jobID, "href": DashboardFormat.jobHref(definition.jobID),
                    "state": entry.status.state.rawValue, "label": label.text,
                    "icon": label.icon, "tags": definition.tags, "schedule": definition.schedule,
                    "explanation": definition.scheduleExplanation ?? "",
                    "timezone": definition.timezone,
                ]
                // Absent keys, not nil values: Mustache takes a boxed nil for a value.
                if let description = definition.description { row["description"] = description }
                if let lastRun = entry.status.lastRun, let time = lastRun.startTime ?? lastRun.endTime {
                    row["lastRun"] = Timestamp.string(from: time)
                }
                if let duration = entry.status.lastRun?.duration {
                    row["duration"] = DashboardFormat.duration(duration)
                }
                if let next = entry.status.nextFireTime { row["nextRun"] = Timestamp.string(from: next) }
                return row
            },
        ]
        if let status { context["status"] = status.rawValue }
        context["pager"] = DashboardFormat.pager(page: page, perPage: pageSize, total: matching.count, noun: "jobs") {
            href(status: status, page: $0)
        }
        self.context = context
    }
}
