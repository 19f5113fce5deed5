import Config
import Foundation
import MonitorDomain

extension MonitorStore: SyncTarget {
    public func plan(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await planSync(files: files, source: source, options: options)
    }

    public func apply(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await applySync(files: files, source: source, options: options)
    }

    public func history(limit: Int) async throws -> [SyncRecord] {
        try await syncHistory(limit: limit)
    }
}
