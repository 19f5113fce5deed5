import Config
import Cron
import Foundation

/// What `/` shows: counts per status, then the jobs that match the filters, failing
/// and missed ones first, a page at a time.
struct JobListPage {
    /// Most urgent first: how the list is ordered.
    static let order: [JobStatus.State] = [.missed, .failed, .longRunning, .late, .running, .ok, .new, .paused]

    static func label(_ state: JobStatus.State) -> (icon: String, text: String) {
        switch state {
        case .paused: ("‖", "paused")
        case .longRunning: ("◑", "long running")
        case .missed: ("⚠", "missed")
        case .failed: ("✖", "failed")
        case .late: ("◷", "late")
        case .running: ("▶", "running")
        case .ok: ("✔", "ok")
        case .new: ("○", "new")
        }
    }

    let context: [String: Any]

    init(
        statuses: [(job: Job, status: JobStatus)], status: JobStatus.State?, tag: String?, search: String?, page: Int,
        pageSize: Int
    ) {
        let tag = tag.flatMap { $0.isEmpty ? nil : $0 }
        let search = search.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        func href(status: JobStatus.State?, page: Int = 1) -> String {
            var items: [URLQueryItem] = []
            if let status { items.append(URLQueryItem(name: "status", value: status.rawValue)) }
            if let tag { items.append(URLQueryItem(name: "tag", value: tag)) }
            if let search { items.append(URLQueryItem(name: "q", value: search)) }
            if page > 1 { items.append(URLQueryItem(name: "page", value: String(page))) }
            var components = URLComponents()
            components.path = "/"
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? "/"
        }
        var counts: [JobStatus.State: Int] = [:]
        for entry in statuses { counts[entry.status.state, default: 0] += 1 }
        let rank = Dictionary(uniqueKeysWithValues: Self.order.enumerated().map { ($1, $0) })
        let matching = statuses.filter { entry in
            (status == nil || entry.status.state == status)
                && (tag == nil || entry.job.definition.tags.contains(tag!))
                && (search == nil || entry.job.jobID.lowercased().contains(search!))
        }.sorted { left, right in
            (rank[left.status.state] ?? 0, left.job.jobID) < (rank[right.status.state] ?? 0, right.job.jobID)
        }
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(page, pages)
        let shown = matching.dropFirst((page - 1) * pageSize).prefix(pageSize)
        let allTags = Set(statuses.flatMap { $0.job.definition.tags }).sorted()
        var context: [String: Any] = [
            "title": "Jobs",
            "total": statuses.count,
            "allActive": status == nil,
            "allHref": href(status: nil),
            "query": search ?? "",
            "counts": Self.order.map { state -> [String: Any] in
                let label = Self.label(state)
                return [
                    "state": state.rawValue, "label": label.text, "icon": label.icon, "count": counts[state] ?? 0,
                    "active": state == status, "href": href(status: state),
                ]
            },
            "tags": allTags.map { ["name": $0, "selected": $0 == tag] as [String: Any] },
            "jobs": shown.map { entry -> [String: Any] in
                let definition = entry.job.definition
                let label = Self.label(entry.status.state)
                var row: [String: Any] = [
                    "id": definition.jobID, "state": entry.status.state.rawValue, "label": label.text,
                    "icon": label.icon, "tags": definition.tags, "schedule": definition.schedule,
                    "explanation": (try? JobFieldRules.checkSchedule(definition.schedule).get().explanation) ?? "",
                    "timezone": definition.timezone,
                ]
                // Absent keys, not nil values: Mustache takes a boxed nil for a value.
                if let description = definition.description { row["description"] = description }
                if let lastRun = entry.status.lastRun, let time = lastRun.startTime ?? lastRun.endTime {
                    row["lastRun"] = Timestamp.string(from: time)
                }
                if let duration = entry.status.lastRun?.duration { row["duration"] = Self.duration(duration) }
                if let next = entry.status.nextFireTime { row["nextRun"] = Timestamp.string(from: next) }
                return row
            },
            "page": page, "pages": pages, "shown": shown.count, "matching": matching.count,
        ]
        if let status { context["status"] = status.rawValue }
        if page > 1 { context["previous"] = href(status: status, page: page - 1) }
        if page < pages { context["next"] = href(status: status, page: page + 1) }
        self.context = context
    }

    /// A run's duration (minutes) as people read it: `4.2 s`, `12.5 min`, `2.1 h`.
    static func duration(_ minutes: Double) -> String {
        let seconds = minutes * 60
        if seconds < 60 { return String(format: seconds < 10 ? "%.1f s" : "%.0f s", seconds) }
        if seconds < 3600 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
