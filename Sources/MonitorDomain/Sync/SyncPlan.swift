import Config
import Foundation

/// What an apply would change, like `terraform plan`: jobs to create, to update (field
/// by field, old → new), to delete, how many stay as they are, and the conflicts that
/// stop it.
public struct SyncPlan: Sendable, Hashable, Codable {
    /// One field of one job, as the API writes it.
    public struct Change: Sendable, Hashable, Codable {
        public var field: String
        public var old: JSONValue
        public var new: JSONValue
        /// Where the new value came from when a folder's `_defaults.yaml` gave it
        /// (`jobs.d/billing/_defaults.yaml:3`); nil when the job wrote it, or left it unset.
        public var origin: String?

        public init(field: String, old: JSONValue, new: JSONValue, origin: String? = nil) {
            self.field = field
            self.old = old
            self.new = new
            self.origin = origin
        }

        /// ` (from FILE:LINE)` after a value a default gave, else nothing.
        public var originSuffix: String { origin.map { " (from \($0))" } ?? "" }
    }

    public struct Create: Sendable, Hashable, Codable {
        public var jobID: String
        public var file: String
        public var line: Int
        /// Every field the job is created with.
        public var fields: [Change]
        /// Its next fire times after the plan, in its zone (ISO 8601 with the offset);
        /// empty for an interval job.
        public var fireTimes: [String] = []

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, fields
            case fireTimes = "fire_times"
        }

        public init(jobID: String, file: String, line: Int, fields: [Change], fireTimes: [String] = []) {
            self.jobID = jobID
            self.file = file
            self.line = line
            self.fields = fields
            self.fireTimes = fireTimes
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            jobID = try container.decode(String.self, forKey: .jobID)
            file = try container.decode(String.self, forKey: .file)
            line = try container.decode(Int.self, forKey: .line)
            fields = try container.decode([Change].self, forKey: .fields)
            fireTimes = try container.decodeIfPresent([String].self, forKey: .fireTimes) ?? []
        }
    }

    public struct Update: Sendable, Hashable, Codable {
        public var jobID: String
        public var file: String
        public var line: Int
        public var changes: [Change]
        /// With a changed schedule or time zone: the next fire times before and after the
        /// change, each in its zone; both empty otherwise.
        public var oldFireTimes: [String] = []
        public var fireTimes: [String] = []

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, changes
            case oldFireTimes = "old_fire_times", fireTimes = "fire_times"
        }

        public init(
            jobID: String, file: String, line: Int, changes: [Change], oldFireTimes: [String] = [],
            fireTimes: [String] = []
        ) {
            self.jobID = jobID
            self.file = file
            self.line = line
            self.changes = changes
            self.oldFireTimes = oldFireTimes
            self.fireTimes = fireTimes
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            jobID = try container.decode(String.self, forKey: .jobID)
            file = try container.decode(String.self, forKey: .file)
            line = try container.decode(Int.self, forKey: .line)
            changes = try container.decode([Change].self, forKey: .changes)
            oldFireTimes = try container.decodeIfPresent([String].self, forKey: .oldFireTimes) ?? []
            fireTimes = try container.decodeIfPresent([String].self, forKey: .fireTimes) ?? []
        }
    }

    public struct Delete: Sendable, Hashable, Codable {
        public var jobID: String
        /// Where the job was defined when it was last applied.
        public var file: String?
        public var line: Int?
        public var commit: String?

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, commit
        }
    }

    /// A job the source defines that this sync may not take over without `--adopt`.
    public struct Conflict: Sendable, Hashable, Codable {
        public var jobID: String
        public var file: String
        public var line: Int
        public var message: String

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, message
        }
    }

    public typealias ChannelChange = DocumentChange<ChannelDocument>
    public typealias ChannelPlan = DocumentPlan<ChannelDocument>
    public typealias WindowPlan = DocumentPlan<WindowDocument>

    public var source: SyncSource
    public var creates: [Create] = []
    public var updates: [Update] = []
    public var deletes: [Delete] = []
    public var unchanged = 0
    public var conflicts: [Conflict] = []
    public var channels = ChannelPlan()
    public var windows = WindowPlan()
    /// Why the whole apply is refused although each job is fine: it would delete every
    /// job of its source, or most of them, or the source defines nothing (DESIGN 12).
    public var refusal: String?
    /// Jobs recorded before sources had identities that this source takes as its own,
    /// changing nothing else (not sent over HTTP: the server claims them itself).
    public var claimed: [String] = []

    public init(source: SyncSource) {
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case source, creates, updates, deletes, unchanged, conflicts, channels, windows, refusal
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(SyncSource.self, forKey: .source)
        creates = try container.decode([Create].self, forKey: .creates)
        updates = try container.decode([Update].self, forKey: .updates)
        deletes = try container.decode([Delete].self, forKey: .deletes)
        unchanged = try container.decode(Int.self, forKey: .unchanged)
        conflicts = try container.decode([Conflict].self, forKey: .conflicts)
        // A server from before channels answers without them.
        channels = try container.decodeIfPresent(ChannelPlan.self, forKey: .channels) ?? ChannelPlan()
        windows = try container.decodeIfPresent(WindowPlan.self, forKey: .windows) ?? WindowPlan()
        refusal = try container.decodeIfPresent(String.self, forKey: .refusal)
    }

    public var hasChanges: Bool {
        !creates.isEmpty || !updates.isEmpty || !deletes.isEmpty || channels.hasChanges || windows.hasChanges
    }

    /// Whether anything stops the apply: a job or a channel in conflict, or a refusal.
    public var hasConflicts: Bool {
        !conflicts.isEmpty || !channels.conflicts.isEmpty || !windows.conflicts.isEmpty || refusal != nil
    }
}
