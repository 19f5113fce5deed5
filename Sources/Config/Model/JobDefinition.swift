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
    /// The cron expression as written; it has been validated.
    public var schedule: String
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
    /// Where the definition starts (the `---` or first key of its document), if it came from a file.
    public var location: SourceLocation?
    /// Where each key that was written, and its value, start.
    public var fieldLocations: [JobField: FieldLocation]

    public static let defaultTolerance = JobDuration(seconds: 60)
    public static let defaultTimezone = "UTC"

    /// The key and value positions of one field.
    public struct FieldLocation: Sendable, Hashable {
        public var key: SourceLocation
        public var value: SourceLocation
    }

    public init(
        jobID: String, description: String? = nil, schedule: String, timezone: String = Self.defaultTimezone,
        tolerance: JobDuration = Self.defaultTolerance, maxRuntime: JobDuration? = nil, isHealthCheck: Bool = false,
        tags: [String] = [], paused: Bool = false, notify: [String] = [], location: SourceLocation? = nil,
        fieldLocations: [JobField: FieldLocation] = [:]
    ) {
        self.jobID = jobID
        self.description = description
        self.schedule = schedule
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
