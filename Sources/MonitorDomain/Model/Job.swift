import Config
import Foundation

/// A job as the monitor stores it: its definition, who manages it, and when it changed.
public struct Job: Sendable, Hashable {
    /// Who may change a job: the REST API, or `cronicle-sync` (read-only through the API).
    public enum ManagedBy: String, Sendable, Hashable, Codable {
        case api
        case sync
    }

    /// Where a synced job is defined: its sync source's repository and commit, and the
    /// file and line of its definition. The API and pages call it `source`.
    public struct Origin: Sendable, Hashable, Codable {
        public var repository: String?
        public var file: String
        public var line: Int
        public var commit: String?

        public init(repository: String? = nil, file: String, line: Int, commit: String? = nil) {
            self.repository = repository
            self.file = file
            self.line = line
            self.commit = commit
        }
    }

    public var definition: JobDefinition
    public var managedBy: ManagedBy
    public var origin: Origin?
    public var createdAt: Date
    public var updatedAt: Date
    /// Fire times before this instant are not expected: the job's creation, or its last resume.
    public var watchedSince: Date

    public var jobID: String { definition.jobID }

    public init(
        definition: JobDefinition, managedBy: ManagedBy = .api, origin: Origin? = nil, createdAt: Date, updatedAt: Date,
        watchedSince: Date
    ) {
        self.definition = definition
        self.managedBy = managedBy
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.watchedSince = watchedSince
    }
}
