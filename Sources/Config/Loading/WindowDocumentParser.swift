import Foundation
import Yams

/// Turns one YAML document with a `window` key into a ``WindowDefinition``, or into
/// diagnostics that say which key or value is wrong, as ``JobDocumentParser`` does for jobs.
struct WindowDocumentParser {
    private var reader: YAMLValueReader
    var diagnostics: [Diagnostic] { reader.diagnostics }

    init(file: String) {
        reader = YAMLValueReader(file: file)
    }

    /// The keys a window document may have.
    enum Field: String, CaseIterable {
        case window, description, start, end, schedule, duration, timezone, match, mode

        static func suggestion(for text: String) -> String? {
            let lowered = text.lowercased().replacingOccurrences(of: "-", with: "_")
            return EditDistance.closest(to: lowered, among: allCases.map(\.rawValue))
        }
    }

    /// Whether a document is a window: it has a `window` key.
    static func isWindow(_ node: Node) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.keys.contains { if case .scalar(let key) = $0 { key.string == "window" } else { false } }
    }

    /// The window the document defines, or nil when any error was found in it.
    mutating func parse(_ node: Node) -> WindowDefinition? {
        guard case .mapping(let mapping) = node else { return nil }
        let errorsBefore = diagnostics.count
        let (values, keys) = reader.fields(
            of: mapping, example: "window", known: { Field(rawValue: $0) }, suggestion: { Field.suggestion(for: $0) })
        var name: String?
        if let node = values[.window], let text = reader.text(node, name: "window") {
            if let problem = JobFieldRules.checkIdentifier(text, key: "window", rule: .invalidWindowName) {
                reader.report(
                    problem.rule, problem.message, at: node.mark,
                    offset: YAMLValueReader.quoteWidth(node) + problem.offset)
            }
            name = text
        }
        let timing = self.timing(values, keys: keys, mapping: mapping)
        var window = WindowDefinition(
            name: name ?? "", timing: timing ?? .once(start: .distantPast, end: .distantPast),
            location: reader.location(mapping.mark))
        if let node = values[.description], !YAMLValueReader.isNullValue(node) {
            window.description = reader.text(node, name: "description")
        }
        if let node = values[.match] { window.match = reader.match(node) }
        if let node = values[.mode],
            let mode = reader.choice(
                node, name: "mode", as: WindowDefinition.Mode.self,
                explanation: "suppress (the default): alerts open but are notified only if still open when the window "
                    + "ends; skip: fire times inside the window are not expected")
        {
            window.mode = mode
        }
        guard name != nil, timing != nil, diagnostics.count == errorsBefore else { return nil }
        return window
    }

    /// One-off (`start` and `end`) or recurring (`schedule`, `duration`, `timezone`),
    /// never both, with an end after the start and a span of at most 31 days.
    private mutating func timing(_ values: [Field: Node], keys: [Field: Mark?], mapping: Node.Mapping)
        -> WindowDefinition.Timing?
    {
        let oneOff = values[.start] != nil || values[.end] != nil
        let recurring = values[.schedule] != nil || values[.duration] != nil
        let example =
            "start: 2026-12-05T02:00:00+01:00 and end: 2026-12-05T04:00:00+01:00, or schedule: \"0 1 * * SUN\" "
            + "and duration: 2h"
        if values[.window] == nil {
            reader.report(.missingField, "missing required key 'window'", at: mapping.mark)
        }
        if oneOff && recurring {
            let second = [Field.schedule, .duration].compactMap { keys[$0] ?? nil }.first
            reader.report(
                .conflictingFields,
                "a window is one-off (start and end) or recurring (schedule and duration), not both: remove one",
                at: second ?? mapping.mark)
            return nil
        }
        if !oneOff && !recurring {
            reader.report(.missingField, "a window needs its times: \(example)", at: mapping.mark)
            return nil
        }
        if oneOff {
            if values[.timezone] != nil {
                reader.report(
                    .conflictingFields,
                    "timezone is for a recurring window's schedule; a one-off window's start and end carry their "
                        + "offsets (+01:00): remove timezone", at: keys[.timezone] ?? nil)
            }
            guard let startNode = values[.start], let endNode = values[.end] else {
                reader.report(
                    .missingField, "a one-off window needs both start and end, as in \(example)", at: mapping.mark)
                return nil
            }
            guard let start = instant(startNode, name: "start"), let end = instant(endNode, name: "end") else {
                return nil
            }
            guard end > start else {
                reader.report(
                    .invalidWindow,
                    "the window ends (\(Self.text(end))) before it starts (\(Self.text(start))); write an end after "
                        + "the start", at: endNode.mark)
                return nil
            }
            guard end.timeIntervalSince(start) <= TimeInterval(WindowDefinition.longest.seconds) else {
                reader.report(
                    .invalidWindow,
                    "the window lasts longer than \(WindowDefinition.longest); for longer, pause the jobs (paused: "
                        + "true) or split the window", at: endNode.mark)
                return nil
            }
            return .once(start: start, end: end)
        }
        guard let scheduleNode = values[.schedule], let durationNode = values[.duration] else {
            reader.report(
                .missingField, "a recurring window needs both schedule and duration, as in \(example)",
                at: mapping.mark)
            return nil
        }
        var timezone = JobDefinition.defaultTimezone
        if let node = values[.timezone], let zone = reader.text(node, name: "timezone") {
            if let problem = JobFieldRules.checkTimezone(zone) {
                reader.report(problem.rule, problem.message, at: node.mark, offset: YAMLValueReader.quoteWidth(node))
                return nil
            }
            timezone = zone
        }
        guard let schedule = reader.text(scheduleNode, name: "schedule") else { return nil }
        if case .failure(let problem) = JobFieldRules.checkSchedule(schedule) {
            reader.report(
                problem.rule, problem.message, at: scheduleNode.mark,
                offset: YAMLValueReader.quoteWidth(scheduleNode) + problem.offset)
            return nil
        }
        guard let duration = reader.duration(durationNode, name: "duration") else { return nil }
        guard duration.seconds > 0, duration <= WindowDefinition.longest else {
            reader.report(
                .invalidWindow,
                "duration must be longer than 0 and at most \(WindowDefinition.longest), found \(duration)",
                at: durationNode.mark)
            return nil
        }
        return .recurring(schedule: schedule, duration: duration, timezone: timezone)
    }

    /// An instant with its offset, as ISO 8601 writes it: `2026-12-05T02:00:00+01:00`.
    private mutating func instant(_ node: Node, name: String) -> Date? {
        guard let text = reader.text(node, name: name) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        reader.report(
            .invalidValue,
            "\(name) '\(UntrustedText.excerpt(text))' is not an instant with its offset; write one such as "
                + "2026-12-05T02:00:00+01:00 (or ...Z for UTC)", at: node.mark)
        return nil
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
