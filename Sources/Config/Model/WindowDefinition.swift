import Cron
import Foundation

/// A maintenance window as its YAML document defines it (DESIGN 11.3): a span of time in
/// which the jobs it matches are not expected (`skip`), or are watched without their
/// alerts being notified (`suppress`).
///
/// ```yaml
/// window: db-upgrade
/// start: 2026-12-05T02:00:00+01:00     # one-off, or recurring:
/// end: 2026-12-05T04:00:00+01:00       #   schedule: "0 1 * * SUN", duration: 2h, timezone: ...
/// match: {tags: [db], jobs: ["parcel_*"]}
/// mode: suppress
/// ```
///
/// Encoded as JSON with the YAML's keys, which is how the store keeps it.
public struct WindowDefinition: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Alerts open and show, but are notified only if still open when the window ends.
        case suppress
        /// Fire times inside the window are not expected.
        case skip
    }

    /// When the window is open.
    public enum Timing: Sendable, Hashable {
        /// From `start` (included) to `end` (excluded).
        case once(start: Date, end: Date)
        /// From each fire time of `schedule` in `timezone`, for `duration`: the daylight-saving
        /// rules of jobs apply to its start times.
        case recurring(schedule: String, duration: JobDuration, timezone: String)
    }

    public var name: String
    public var description: String?
    public var timing: Timing
    /// Nil for every job.
    public var match: ChannelDefinition.Match?
    public var mode: Mode
    /// Where the definition starts, when it came from a file.
    public var location: SourceLocation?

    /// The longest a window may be open at once: maintenance, not a way to stop watching.
    public static let longest = JobDuration(seconds: 31 * 86_400)

    public init(
        name: String, description: String? = nil, timing: Timing, match: ChannelDefinition.Match? = nil,
        mode: Mode = .suppress, location: SourceLocation? = nil
    ) {
        self.name = name
        self.description = description
        self.timing = timing
        self.match = match
        self.mode = mode
        self.location = location
    }

    /// Whether the window covers `job`: every job without `match`.
    public func covers(_ job: JobDefinition) -> Bool {
        match?.selects(job) ?? true
    }

    /// The schedule of a recurring window in its zone.
    public var cronSchedule: CronSchedule? {
        guard case .recurring(let schedule, _, let timezone) = timing else { return nil }
        return JobDefinition(jobID: "", schedule: schedule, timezone: timezone).cronSchedule
    }

    /// The opening that holds `instant` (its start included, its end excluded), if any.
    /// Of a recurring window, the latest start at or before `instant` decides: a later
    /// start is nearer, so if its span does not reach `instant`, no earlier one does.
    public func occurrence(at instant: Date) -> DateInterval? {
        switch timing {
        case .once(let start, let end):
            return start <= instant && instant < end ? DateInterval(start: start, end: end) : nil
        case .recurring(_, let duration, _):
            guard let schedule = cronSchedule,
                let start = schedule.previousFireTime(before: instant.addingTimeInterval(0.001))
            else { return nil }
            let end = start.addingTimeInterval(TimeInterval(duration.seconds))
            return instant < end ? DateInterval(start: start, end: end) : nil
        }
    }

    /// The opening in force at `instant`, else the next one to begin after it; nil for a
    /// one-off window that has ended.
    public func currentOrNext(after instant: Date) -> DateInterval? {
        if let current = occurrence(at: instant) { return current }
        switch timing {
        case .once(let start, let end):
            return start > instant ? DateInterval(start: start, end: end) : nil
        case .recurring(_, let duration, _):
            guard let start = cronSchedule?.nextFireTime(after: instant) else { return nil }
            return DateInterval(start: start, duration: TimeInterval(duration.seconds))
        }
    }

    enum CodingKeys: String, CodingKey {
        case name = "window", description, start, end, schedule, duration, timezone, match, mode
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        match = try container.decodeIfPresent(ChannelDefinition.Match.self, forKey: .match)
        mode = try container.decode(Mode.self, forKey: .mode)
        if let schedule = try container.decodeIfPresent(String.self, forKey: .schedule) {
            timing = .recurring(
                schedule: schedule, duration: try container.decode(JobDuration.self, forKey: .duration),
                timezone: try container.decode(String.self, forKey: .timezone))
        } else {
            timing = .once(
                start: try container.decode(Date.self, forKey: .start),
                end: try container.decode(Date.self, forKey: .end))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(match, forKey: .match)
        try container.encode(mode, forKey: .mode)
        switch timing {
        case .once(let start, let end):
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
        case .recurring(let schedule, let duration, let timezone):
            try container.encode(schedule, forKey: .schedule)
            try container.encode(duration, forKey: .duration)
            try container.encode(timezone, forKey: .timezone)
        }
    }
}
