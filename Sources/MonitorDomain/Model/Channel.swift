import Config
import Foundation

/// A notification channel as the monitor stores it: its definition (secrets still by
/// reference), and where it was applied from. Channels come from git only: a sync
/// creates, updates and prunes them like the jobs of its repository.
public struct Channel: Sendable, Hashable {
    public var definition: ChannelDefinition
    /// The sync source's repository and commit, and the file and line of the definition.
    public var origin: Job.Origin?
    public var createdAt: Date
    public var updatedAt: Date

    public var name: String { definition.name }

    public init(definition: ChannelDefinition, origin: Job.Origin?, createdAt: Date, updatedAt: Date) {
        self.definition = definition
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
