import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// One run as the job page lists it: one line (status, start, duration, exit code, host,
/// the first line of its message), and on demand the client's details, the whole
/// message and the output.
struct RunRow {
    let context: [String: Any]

    /// `now` gives a running run its time so far.
    init(_ run: JobRun, output: RunOutput? = nil, now: Date) {
        let label = DashboardFormat.label(run.status)
        var context: [String: Any] = [
            "runID": run.runID, "state": label.state, "label": label.text, "icon": label.icon,
        ]
        // The line shows times as people read them; the details keep the exact instants.
        if let start = run.startTime {
            context["start"] = DashboardFormat.time(start)
            context["startISO"] = Timestamp.string(from: start)
        }
        if let end = run.endTime { context["endISO"] = Timestamp.string(from: end) }
        if let duration = run.duration {
            context["duration"] = DashboardFormat.duration(duration)
        } else if run.status == .running, let start = run.startTime {
            context["elapsed"] = DashboardFormat.elapsed(since: start, now: now)
        }
        if let exitCode = run.exitCode { context["exitCode"] = exitCode }
        if let message = run.message, !message.isEmpty {
            context["message"] = message
            context["messageLine"] = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        }
        if let remoteAddress = run.remoteAddress { context["remoteAddress"] = remoteAddress }
        if let userAgent = run.userAgent { context["userAgent"] = userAgent }
        if case .object(let info) = run.clientInfo {
            if case .string(let hostname) = info["hostname"] { context["hostname"] = hostname }
            if case .string(let ip) = info["ip"] { context["clientIP"] = ip }
            if case .string(let os) = info["os"] { context["os"] = os }
            // Every key the client sent, as sent: strings as text, anything else as JSON.
            context["clientInfo"] = info.keys.sorted().map { key -> [String: Any] in
                let value = info[key]!
                if case .string(let text) = value { return ["key": key, "value": text] }
                return ["key": key, "value": Self.prettyJSON(value), "json": true]
            }
        }
        if let output {
            // Shown as text in a <pre>: Mustache escapes it, so what a job printed never
            // becomes markup.
            context["output"] = [
                "text": output.text, "bytes": output.receivedBytes, "more": output.isTruncated,
                "href": "/job_runs/\(run.runID)/output",
            ]
        }
        self.context = context
    }

    static func prettyJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
