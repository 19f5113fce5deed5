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
        /// Part of a job's id, description or one of its tags, in lower case.
        var search: String?

        /// Whether the entry at `index` matches, read in place: copying an entry copies
        /// its whole job, which for 10,000 jobs was a twentieth of the list's time.
        func matches(_ statuses: [(job: Job, status: JobStatus)], at index: Int) -> Bool {
            if let status, statuses[index].status.state != status { return false }
            if let tag, !statuses[index].job.definition.tags.contains(tag) { return false }
            if let search, !JobListPage.searchText(statuses[index].job.definition).contains(search) { return false }
            return true
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

    /// What the search looks in, in lower case: the id, the description and the tags.
    /// The script filters the rows shown by the same text (`data-search`) as one types.
    static func searchText(_ definition: JobDefinition) -> String {
        ([definition.jobID, definition.description ?? ""] + definition.tags).joined(separator: " ").lowercased()
    }

    /// `statuses` ordered by job id, as ``MonitorStore/statuses()`` returns them; `now`
    /// gives running jobs their time so far.
    init(
        statuses: [(job: Job, status: JobStatus)], status: JobStatus.State?, tag: String?, search: String?, page: Int,
        pageSize: Int, now: Date
    ) {
        let filters = Filters(
            status: status, tag: tag.flatMap { $0.isEmpty ? nil : $0 },
            search: search.flatMap { $0.isEmpty ? nil : $0.lowercased() })
        let matching = Self.matching(statuses, filters)
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(page, pages)
        let shown = matching.dropFirst((page - 1) * pageSize).prefix(pageSize).map { statuses[$0] }
        var counts: [JobStatus.State: Int] = [:]
        var tags: Set<String> = []
        for index in statuses.indices {
            counts[statuses[index].status.state, default: 0] += 1
            tags.formUnion(statuses[index].job.definition.tags)
        }
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
            "tags": tags.sorted().map {
                ["name": $0, "selected": $0 == filters.tag] as [String: Any]
            },
            "jobs": shown.map { Self.row($0, now: now) },
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
        for index in statuses.indices where filters.matches(statuses, at: index) {
            byState[statuses[index].status.state, default: []].append(index)
        }
        return order.flatMap { byState[$0] ?? [] }
    }

    /// One job's row in the list.
    private static func row(_ entry: (job: Job, status: JobStatus), now: Date) -> [String: Any] {
        let definition = entry.job.definition
        let label = DashboardFormat.label(entry.status.state)
        var row: [String: Any] = [
            "id": definition.jobID, "href": DashboardFormat.jobHref(definition.jobID),
            "state": entry.status.state.rawValue, "label": label.text,
            "icon": label.icon, "tags": definition.tags, "schedule": definition.timingText,
            "explanation": definition.scheduleExplanation ?? "",
            "timezone": definition.timezone, "search": searchText(definition),
        ]
        if let streak = streakText(entry.status, threshold: definition.failureThreshold) {
            row["note"] = ["words": streak]
        } else if let note = note(entry.status, now: now) {
            row["note"] = note
        }
        // Absent keys, not nil values: Mustache takes a boxed nil for a value.
        if let description = definition.description { row["description"] = description }
        if let lastRun = entry.status.lastRun, let time = lastRun.startTime ?? lastRun.endTime {
            row["lastRun"] = DashboardFormat.time(time)
        }
        if let duration = entry.status.lastRun?.duration {
            row["duration"] = DashboardFormat.duration(duration)
        }
        if let next = entry.status.nextFireTime { row["nextRun"] = DashboardFormat.time(next) }
        return row
    }

    /// "2 of 3 failed" while failures in a row have not reached the job's
    /// `failure_threshold` (DESIGN 11.1): the job is failing, and nothing notifies yet.
    static func streakText(_ status: JobStatus, threshold: Int) -> String? {
        guard threshold > 1, status.failureStreak > 0, status.failureStreak < threshold,
            !status.openAlerts.contains(where: { $0.kind == .failed })
        else { return nil }
        return "\(status.failureStreak) of \(threshold) failed"
    }

    /// What an operator asks next about a job's state, under its badge: since when it is
    /// failing or missed (its open alert's opening), how long it has been running, and
    /// when a late job becomes missed (its deadline). The script's `statusNote` says the
    /// same for rows it redraws.
    static func note(_ status: JobStatus, now: Date) -> [String: Any]? {
        func opened(_ kind: JobAlert.Kind) -> Date? {
            status.openAlerts.filter { $0.kind == kind }.map(\.createdAt).min()
        }
        switch status.state {
        case .missed, .failed, .tooFast:
            let kind: JobAlert.Kind =
                switch status.state {
                case .missed: .missedJob
                case .tooFast: .tooFast
                default: .failed
                }
            guard let since = opened(kind) else { return nil }
            return ["words": "since", "time": DashboardFormat.time(since)]
        case .running, .longRunning:
            guard let run = status.lastRun, run.status == .running, let start = run.startTime else { return nil }
            return ["words": "for", "time": DashboardFormat.elapsed(since: start, now: now)]
        case .late:
            guard let deadline = status.deadline else { return nil }
            return ["words": "missed at", "time": DashboardFormat.time(deadline)]
        case .paused, .ok, .new:
            return nil
        }
    }
}
