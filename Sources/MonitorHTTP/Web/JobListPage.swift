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
    static let order: [JobStatus.State] = [
        .missed, .failed, .longRunning, .tooFast, .late, .running, .ok, .new, .paused,
    ]

    let context: [String: Any]

    /// The filters of the list, as the query gave them: empty ones are none.
    struct Filters {
        var status: JobStatus.State?
        var tag: String?
        /// Part of a job id, in lower case.
        var search: String?

        func matches(_ entry: (job: Job, status: JobStatus)) -> Bool {
            (status == nil || entry.status.state == status)
                && (tag.map { entry.job.definition.tags.contains($0) } ?? true)
                && (search.map { entry.job.jobID.lowercased().contains($0) } ?? true)
        }

        /// The list's address with these filters, at `page`.
        func href(status: JobStatus.State?, page: Int = 1) -> String {
            DashboardFormat.href(
                "/",
                [
                    ("status", status?.rawValue), ("tag", tag), ("q", search), ("page", page > 1 ? String(page) : nil),
                ])
        }
    }

    /// `statuses` ordered by job id, as ``MonitorStore/statuses()`` returns them.
    init(
        statuses: [(job: Job, status: JobStatus)], status: JobStatus.State?, tag: String?, search: String?, page: Int,
        pageSize: Int
    ) {
        let filters = Filters(
            status: status, tag: tag.flatMap { $0.isEmpty ? nil : $0 },
            search: search.flatMap { $0.isEmpty ? nil : $0.lowercased() })
        let matching = Self.matching(statuses, filters)
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(page, pages)
        let shown = matching.dropFirst((page - 1) * pageSize).prefix(pageSize).map { statuses[$0] }
        var counts: [JobStatus.State: Int] = [:]
        for entry in statuses { counts[entry.status.state, default: 0] += 1 }
        var context: [String: Any] = [
            "title": "Jobs",
            "total": statuses.count,
            "allActive": status == nil,
            "allHref": filters.href(status: nil),
            "query": filters.search ?? "",
            "counts": Self.order.map { state -> [String: Any] in
                let label = DashboardFormat.label(state)
                return [
                    "state": state.rawValue, "label": label.text, "icon": label.icon, "count": counts[state] ?? 0,
                    "active": state == status, "href": filters.href(status: state),
                ]
            },
            "tags": Set(statuses.flatMap { $0.job.definition.tags }).sorted().map {
                ["name": $0, "selected": $0 == filters.tag] as [String: Any]
            },
            "jobs": shown.map(Self.row),
        ]
        if let status { context["status"] = status.rawValue }
        context["pager"] = DashboardFormat.pager(page: page, perPage: pageSize, total: matching.count, noun: "jobs") {
            filters.href(status: status, page: $0)
        }
        self.context = context
    }

    /// The indices of the entries that match, most urgent state first. The statuses come
    /// ordered by job id: grouping their indices by state keeps that order inside each
    /// group, with no sorting (and no copying of jobs) at all.
    private static func matching(_ statuses: [(job: Job, status: JobStatus)], _ filters: Filters) -> [Int] {
        var byState: [JobStatus.State: [Int]] = [:]
        for index in statuses.indices where filters.matches(statuses[index]) {
            byState[statuses[index].status.state, default: []].append(index)
        }
        return order.flatMap { byState[$0] ?? [] }
    }

    /// One job's row in the list.
    private static func row(_ entry: (job: Job, status: JobStatus)) -> [String: Any] {
        let definition = entry.job.definition
        let label = DashboardFormat.label(entry.status.state)
        var row: [String: Any] = [
            "id": definition.jobID, "href": DashboardFormat.jobHref(definition.jobID),
            "state": entry.status.state.rawValue, "label": label.text,
            "icon": label.icon, "tags": definition.tags, "schedule": definition.timingText,
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
    }
}
