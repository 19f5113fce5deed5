import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// How the dashboard's pages write states, durations and links, so every page (and
/// the script, which reads icons and words from the rendered page) agrees.
enum DashboardFormat {
    /// The icon and word of a job status: colour is never the only sign.
    static func label(_ state: JobStatus.State) -> (icon: String, text: String) {
        switch state {
        case .paused: ("‖", "paused")
        case .longRunning: ("◑", "long running")
        case .missed: ("⚠", "missed")
        case .failed: ("✖", "failed")
        case .tooFast: ("⇥", "too fast")
        case .late: ("◷", "late")
        case .running: ("▶", "running")
        case .ok: ("✔", "ok")
        case .new: ("○", "new")
        }
    }

    /// The icon and word of a run's status; its CSS class is the job status it resembles.
    static func label(_ status: JobRun.Status) -> (icon: String, text: String, state: String) {
        switch status {
        case .running: ("▶", "running", "running")
        case .succeeded: ("✔", "succeeded", "ok")
        case .failed: ("✖", "failed", "failed")
        }
    }

    /// The words of an alert's type.
    static func label(_ kind: JobAlert.Kind) -> (icon: String, text: String) {
        switch kind {
        case .missedJob: ("⚠", "missed")
        case .longRunning: ("◑", "long running")
        case .failed: ("✖", "failed")
        case .tooFast: ("⇥", "too fast")
        case .channelFailing: ("✉", "channel failing")
        }
    }

    /// A duration in minutes as people read it: `4.2 s`, `12.5 min`, `2.1 h`.
    static func duration(_ minutes: Double) -> String {
        let seconds = minutes * 60
        if seconds < 60 { return String(format: seconds < 10 ? "%.1f s" : "%.0f s", seconds) }
        if seconds < 3600 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }

    /// An instant for the `time` partial: `iso`, the exact instant, goes into `datetime`
    /// and `title`; `text` is what a reader without the script sees (UTC, to the minute).
    /// The script rewrites the text as relative and local time in the reader's zone.
    static func time(_ date: Date) -> [String: Any] {
        let iso = Timestamp.string(from: date)
        // `2026-11-28T07:01:00.000Z` → `2026-11-28 07:01 UTC`
        return ["iso": iso, "text": "\(iso.prefix(10)) \(iso.dropFirst(11).prefix(5)) UTC"]
    }

    /// Time elapsed since `start`, for the `time` partial: the script keeps counting it up.
    static func elapsed(since start: Date, now: Date) -> [String: Any] {
        [
            "iso": Timestamp.string(from: start), "text": duration(now.timeIntervalSince(start) / 60),
            "elapsedSince": true,
        ]
    }

    /// The API route `/jobs/{job_id}/{action}` (`pause`, `resume`) the page's buttons post to.
    static func jobActionPath(_ jobID: String, _ action: String) -> String {
        "/jobs/" + (jobID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? jobID)
            + "/" + action
    }

    /// `path` with the query `items`, leaving out empty values.
    static func href(_ path: String, _ items: [(String, String?)]) -> String {
        var components = URLComponents()
        components.path = path
        let query = items.compactMap { name, value in
            value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
        }
        components.queryItems = query.isEmpty ? nil : query
        return components.string ?? path
    }

    /// The link to a job's page.
    static func jobHref(_ jobID: String) -> String {
        "/ui/jobs/" + (jobID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? jobID)
    }

    /// The `previous`/`next` links and the counts of a paged list, for the `pager` partial.
    static func pager(page: Int, perPage: Int, total: Int, noun: String, link: (Int) -> String) -> [String: Any] {
        let pages = max(1, (total + perPage - 1) / perPage)
        var pager: [String: Any] = [
            "page": page, "pages": pages, "total": total, "noun": noun,
            "first": total == 0 ? 0 : (page - 1) * perPage + 1, "last": min(total, page * perPage),
        ]
        if page > 1 { pager["previous"] = link(page - 1) }
        if page < pages { pager["next"] = link(page + 1) }
        return pager
    }
}
