/// One job as its YAML document (or a REST request) defines it, with defaults filled in.
///
/// ```yaml
/// job_id: nightly_backup
/// schedule: "0 0 * * *"
/// timezone: Europe/Berlin
/// tolerance: 30
/// max_runtime: 2h
/// ```
public struct JobDefinition: Sendable, Hashable {
    public var jobID: String
    public var description: String?
    /// The cron expression as written; it has been validated. Nil for an interval job.
    public var schedule: String?
    /// An interval job's period (`every: 1h`): a ping is due this long after the last
    /// one. Exactly one of `schedule` and `every` is set.
    public var every: JobDuration?
    /// Which ping meets an expected time: the start (default) or the end.
    public var expect: Expect
    /// From when the job is watched: its creation (default) or its first ping.
    public var watchFrom: WatchFrom
    /// The job's ping URL identifier as the definition gives it (lowercase canonical
    /// UUID); nil lets the monitor generate one once and keep it.
    public var pingUUID: String?
    /// An IANA time zone identifier.
    public var timezone: String
    /// How late a start may be; 1 minute unless set.
    public var tolerance: JobDuration
    /// How long a run may last; nil for no limit.
    public var maxRuntime: JobDuration?
    /// A heartbeat: each start is a whole run, no end expected.
    public var isHealthCheck: Bool
    public var tags: [String]
    public var paused: Bool
    /// The notification channels named in the job (`notify: [ops-slack]`), beside those
    /// whose `match` selects it.
    public var notify: [String]
    /// A successful run shorter than this opens a `too_fast` alert; nil for no lower bound.
    public var minRuntime: JobDuration?
    /// The failed alert opens at this many failed runs in a row (1: at the first).
    public var failureThreshold: Int = 1
    /// Names and values exported with the job's metrics (`labels: {team: data}`).
    public var labels: [String: String] = [:]
    /// Where the definition starts (the `---` or first key of its document), if it came from a file.
    public var location: SourceLocation?
    /// Where each key that was written, and its value, start.
    public var fieldLocations: [JobField: FieldLocation]
    /// The warnings accepted for this job (`lint: {ignore: [dst-affected]}`); the
    /// validator drops them and warns about any that silence nothing. Read from files
    /// only: the monitor does not keep them.
    public var lintIgnore: [IgnoredRule] = []
    /// The fields whose value came from a folder's `_defaults.yaml`, and where in it
    /// (DESIGN 11.2): `plan` names the place beside each such value.
    public var defaultedFields: [JobField: SourceLocation] = [:]

    /// One rule of `lint.ignore`, and where it is written.
    public struct IgnoredRule: Sendable, Hashable {
        public var rule: LintRule
        public var location: SourceLocation
    }

    /// Which ping meets a fire time (`expect:`).
    public enum Expect: String, Sendable, Hashable, Codable, CaseIterable {
        case start
        case end
    }

    /// From when missed pings count (`watch_from:`).
    public enum WatchFrom: String, Sendable, Hashable, Codable, CaseIterable {
        case creation
        case firstRun = "first_run"
    }

    public static let defaultTolerance = JobDuration(seconds: 60)
    public static let defaultTimezone = "UTC"

    /// The key and value positions of one field.
    public struct FieldLocation: Sendable, Hashable {
        public var key: SourceLocation
        public var value: SourceLocation
    }

    public init(
        jobID: String, description: String? = nil, schedule: String?, every: JobDuration? = nil,
        timezone: String = Self.defaultTimezone, tolerance: JobDuration = Self.defaultTolerance,
        maxRuntime: JobDuration? = nil, isHealthCheck: Bool = false, tags: [String] = [], paused: Bool = false,
        notify: [String] = [], expect: Expect = .start, watchFrom: WatchFrom = .creation, pingUUID: String? = nil,
        location: SourceLocation? = nil, fieldLocations: [JobField: FieldLocation] = [:]
    ) {
        self.jobID = jobID
        self.description = description
        self.schedule = schedule
        self.every = every
        self.expect = expect
        self.watchFrom = watchFrom
        self.pingUUID = pingUUID
        self.timezone = timezone
        self.tolerance = tolerance
        self.maxRuntime = maxRuntime
        self.isHealthCheck = isHealthCheck
        self.tags = tags
        self.paused = paused
        self.notify = notify
        self.location = location
        self.fieldLocations = fieldLocations
    }
}
