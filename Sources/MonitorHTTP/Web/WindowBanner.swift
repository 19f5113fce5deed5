import Config
import Foundation
import MonitorDomain

/// Maintenance windows as the dashboard shows them (DESIGN 11.3): those open now and
/// those opening soon, with what they do and to which jobs, above the job list and on
/// the page of each job they cover.
struct WindowBanner {
    let context: [String: Any]?

    /// The windows open at `now` or opening within `horizon`, of those covering `job`
    /// (every window when nil); nil context when there are none.
    init(_ windows: [MaintenanceWindow], covering job: JobDefinition? = nil, now: Date, horizon: TimeInterval) {
        var entries: [(start: Date, entry: [String: Any])] = []
        for window in windows {
            let definition = window.definition
            if let job, !definition.covers(job) { continue }
            guard let opening = definition.currentOrNext(after: now), opening.start <= now.addingTimeInterval(horizon)
            else { continue }
            let active = opening.start <= now
            var entry: [String: Any] = [
                "name": definition.name, "active": active,
                "mode": definition.mode == .skip
                    ? "skip: its fire times are not expected"
                    : "suppress: alerts open but are notified when it ends, if still open",
                "opens": DashboardFormat.time(opening.start), "closes": DashboardFormat.time(opening.end),
                "covers": Self.covers(definition.match),
            ]
            if let description = definition.description { entry["description"] = description }
            if let origin = window.origin { entry["source"] = "\(origin.file):\(origin.line)" }
            entries.append((opening.start, entry))
        }
        guard !entries.isEmpty else {
            context = nil
            return
        }
        context = ["windows": entries.sorted { $0.start < $1.start }.map(\.entry)]
    }

    /// Which jobs a window covers, in words.
    static func covers(_ match: ChannelDefinition.Match?) -> String {
        guard let match else { return "every job" }
        var parts: [String] = []
        if !match.tags.isEmpty { parts.append("tags " + match.tags.joined(separator: ", ")) }
        if !match.jobs.isEmpty { parts.append("jobs " + match.jobs.joined(separator: ", ")) }
        return parts.isEmpty ? "no job" : parts.joined(separator: "; ")
    }
}
