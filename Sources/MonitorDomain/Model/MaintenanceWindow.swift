import Config
import Foundation

/// A maintenance window as the monitor stores it: its definition and where it was
/// applied from. Windows come from git only: a sync creates, updates and prunes them
/// like the jobs of its source (DESIGN 11.3).
public struct MaintenanceWindow: Sendable, Hashable {
    public var definition: WindowDefinition
    public var origin: Job.Origin?
    public var createdAt: Date
    public var updatedAt: Date

    public var name: String { definition.name }

    public init(definition: WindowDefinition, origin: Job.Origin?, createdAt: Date, updatedAt: Date) {
        self.definition = definition
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
