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

        public init(field: String, old: JSONValue, new: JSONValue) {
            self.field = field
            self.old = old
            self.new = new
        }
    }

    public struct Create: Sendable, Hashable, Codable {
        public var jobID: String
        public var file: String
        public var line: Int
        /// Every field the job is created with.
        public var fields: [Change]

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, fields
        }
    }

    public struct Update: Sendable, Hashable, Codable {
        public var jobID: String
        public var file: String
        public var line: Int
        public var changes: [Change]

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", file, line, changes
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

    public var source: SyncSource
    public var creates: [Create] = []
    public var updates: [Update] = []
    public var deletes: [Delete] = []
    public var unchanged = 0
    public var conflicts: [Conflict] = []

    public init(source: SyncSource) {
        self.source = source
    }

    public var hasChanges: Bool { !creates.isEmpty || !updates.isEmpty || !deletes.isEmpty }
}
