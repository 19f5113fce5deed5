import Config
import Foundation

/// A job as the monitor stores it: its definition, who manages it, and when it changed.
public struct Job: Sendable, Hashable {
    /// Who may change a job: the REST API, or `cronicle-sync` (read-only through the API).
    public enum ManagedBy: String, Sendable, Hashable, Codable {
        case api
        case sync
    }

    /// Where a synced job is defined.
    public struct Source: Sendable, Hashable, Codable {
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
    public var source: Source?
    public var createdAt: Date
    public var updatedAt: Date
    /// Fire times before this instant are not expected: the job's creation, or its last resume.
    public var watchedSince: Date

    public var jobID: String { definition.jobID }

    public init(
        definition: JobDefinition, managedBy: ManagedBy = .api, source: Source? = nil, createdAt: Date, updatedAt: Date,
        watchedSince: Date
    ) {
        self.definition = definition
        self.managedBy = managedBy
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.watchedSince = watchedSince
    }
}
