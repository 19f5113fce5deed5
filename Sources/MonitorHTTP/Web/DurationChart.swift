import Config
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// The job page's chart of recent run durations, as numbers for an inline SVG: one
/// bar per run, oldest on the left, and a dashed line at `max_runtime`.
///
/// Only coordinates and texts leave here; the template writes them into the SVG, so
/// nothing from a client is ever markup.
struct DurationChart {
    static let width = 1000.0
    static let height = 200.0
    /// Room for the axis labels on the left and the time labels below.
    static let left = 56.0
    static let top = 12.0
    static let bottom = 24.0

    let context: [String: Any]

    /// `runs` newest first, as the store lists them; a running run counts up to `now`.
    init(runs: [JobRun], maxRuntime: JobDuration?, now: Date) {
        let maxRuntimeMinutes = maxRuntime?.minutes
        let plotted = runs.compactMap { run -> (run: JobRun, minutes: Double)? in
            guard let start = run.startTime else { return nil }
            return (run, (run.endTime ?? now).timeIntervalSince(start) / 60)
        }.reversed()
        let plotHeight = Self.height - Self.top - Self.bottom
        let plotWidth = Self.width - Self.left - 8
        let slowest = max(plotted.map(\.minutes).max() ?? 0, 1.0 / 60)
        // A limit far above every run would flatten the bars into the axis: then the
        // chart keeps the runs' scale and names the limit above it.
        let limitFits = maxRuntimeMinutes.map { $0 <= slowest * 3 } ?? false
        let longest = limitFits ? max(slowest, maxRuntimeMinutes ?? 0) : slowest
        let scale = plotHeight / (longest * 1.1)
        let slot = plotWidth / Double(max(plotted.count, 20))
        let c = Self.coordinate
        var context: [String: Any] = [
            "width": c(Self.width), "height": c(Self.height), "count": plotted.count, "hasBars": !plotted.isEmpty,
            "axisX": c(Self.left), "axisTop": c(Self.top), "axisBottom": c(Self.top + plotHeight),
            "axisRight": c(Self.width - 8), "topLabel": DashboardFormat.duration(longest * 1.1),
            "topLabelY": c(Self.top + 10), "labelX": c(Self.left - 6), "zeroLabelY": c(Self.top + plotHeight),
        ]
        context["bars"] = plotted.enumerated().map { index, entry -> [String: Any] in
            let label = DashboardFormat.label(entry.run.status)
            let barHeight = max(1, entry.minutes * scale)
            let startText = entry.run.startTime.map(Timestamp.string(from:)) ?? ""
            return [
                "x": c(Self.left + Double(index) * slot + slot * 0.15), "width": c(max(1, slot * 0.7)),
                "y": c(Self.top + plotHeight - barHeight), "height": c(barHeight), "state": label.state,
                "title":
                    "\(startText) · \(DashboardFormat.duration(entry.minutes)) · \(label.text)"
                    + (entry.run.status == .running ? " so far" : ""),
            ]
        }
        if let first = plotted.first?.run.startTime, let last = plotted.last?.run.startTime {
            // Short enough for both to fit side by side at the phone's larger label size.
            context["firstTime"] = DashboardFormat.time(first)["text"]
            context["lastTime"] = DashboardFormat.time(last)["text"]
            context["timeLabelY"] = c(Self.height - 6)
        }
        if let maxRuntime, !limitFits {
            context["limitAbove"] = "max_runtime \(maxRuntime.description), above the chart"
        }
        if let maxRuntime, let minutes = maxRuntimeMinutes, limitFits {
            let lineY = Self.top + plotHeight - minutes * scale
            context["limit"] = [
                "y": c(lineY), "label": "max_runtime \(maxRuntime.description)", "labelY": c(lineY - 4),
            ]
        }
        self.context = context
    }

    /// SVG coordinates to a tenth of a unit: plenty on any screen, and short.
    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }
}
