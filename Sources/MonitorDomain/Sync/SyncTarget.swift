import Config
import Foundation

/// Where `cronicle-sync plan` and `apply` send job definitions: the monitor's database
/// file (``MonitorStore``) or a running monitor (``MonitorServerClient``). Both validate
/// and reconcile with the same code, in the store.
public protocol SyncTarget: Sendable {
    func plan(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func apply(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func history(limit: Int) async throws -> [SyncRecord]
}
