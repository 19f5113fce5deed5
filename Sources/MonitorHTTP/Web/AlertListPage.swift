import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// What `/ui/alerts` shows: alerts by state (open, acknowledged, resolved, or all),
/// optionally of one type or one job, newest first. Each open alert can be acknowledged
/// (one, the selected ones, or all shown) and its job paused or resumed.
struct AlertListPage {
    enum State: String, CaseIterable {
        case open, acknowledged, resolved, all

        /// The store's filters for this state.
        var filters: (acknowledged: Bool?, resolved: Bool?) {
            switch self {
            case .open: (false, false)
            case .acknowledged: (true, false)
            case .resolved: (nil, true)
            case .all: (nil, nil)
            }
        }
    }

    static let perPage = 50

    let context: [String: Any]

    init(
        state: State, kind: JobAlert.Kind?, jobID: String?, alerts: Page<JobAlert>, counts: [State: Int],
        runs: [String: JobRun] = [:], pausedJobs: [String: Bool] = [:]
    ) {
        func href(_ state: State, page: Int = 1) -> String {
            DashboardFormat.href(
                "/ui/alerts",
                [
                    ("state", state == .open ? nil : state.rawValue), ("type", kind?.rawValue), ("job_id", jobID),
                    ("page", page > 1 ? String(page) : nil),
                ])
        }
        var context: [String: Any] = [
            "title": "Alerts", "state": state.rawValue, "showJob": true,
            "tabs": State.allCases.map { tab -> [String: Any] in
                ["name": tab.rawValue, "count": counts[tab] ?? 0, "active": tab == state, "href": href(tab)]
            },
            "types": JobAlert.Kind.allCases.map { type -> [String: Any] in
                ["value": type.rawValue, "label": DashboardFormat.label(type).text, "selected": type == kind]
            },
            "jobID": jobID ?? "",
            "alerts": alerts.items.map { alert in
                AlertRow(
                    alert, run: AlertRow.runID(of: alert).flatMap { runs[$0] },
                    jobPaused: alert.jobID.flatMap { pausedJobs[$0] }
                ).context
            },
        ]
        // Bulk acknowledging, when the page shows an alert that can be acknowledged.
        if alerts.items.contains(where: { !$0.acknowledged && $0.resolvedAt == nil }) { context["bulk"] = true }
        if state != .open { context["stateFilter"] = state.rawValue }
        context["pager"] = DashboardFormat.pager(
            page: alerts.page.page, perPage: alerts.page.perPage, total: alerts.total, noun: "alerts"
        ) { href(state, page: $0) }
        self.context = context
    }
}
