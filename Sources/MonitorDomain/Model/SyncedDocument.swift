import Config

/// A document a sync keeps beside jobs (a channel, a window): its name, its fields as a
/// plan shows them, and the source that owns it.
public protocol SyncedDocument {
    associatedtype Definition
    var name: String { get }
    var origin: Job.Origin? { get }
    var definition: Definition { get }
}

extension Channel: SyncedDocument {}
extension MaintenanceWindow: SyncedDocument {}
