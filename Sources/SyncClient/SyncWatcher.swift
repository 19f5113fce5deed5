import Config
import Foundation
import Logging
import MonitorDomain
import ServiceLifecycle

/// `cronicle-sync watch`: reads the definitions folder every `interval` and applies each new commit
/// (for a folder, each change of its files). A commit that fails (errors in its
/// definitions, conflicts) is recorded in the sync history with the reason and not
/// tried again; the monitor keeps the last good state until a later commit is valid.
/// A folder or repository that cannot be read (the network is down) is logged and read again next time.
public struct SyncWatcher: Service {
    let definitions: DefinitionsFolder
    let target: any SyncTarget
    let options: SyncOptions
    let interval: Duration
    let logger: Logger
    /// Told about every apply, for tests and logs.
    let onApply: @Sendable (SyncReport) async -> Void

    public init(
        definitions: DefinitionsFolder, target: any SyncTarget, options: SyncOptions = SyncOptions(),
        interval: Duration = .seconds(60), logger: Logger,
        onApply: @escaping @Sendable (SyncReport) async -> Void = { _ in }
    ) {
        self.definitions = definitions
        self.target = target
        self.options = options
        self.interval = interval
        self.logger = logger
        self.onApply = onApply
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var attempted: String?
            while !Task.isCancelled {
                do {
                    let (files, syncSource) = try definitions.read()
                    // A work tree with changes not committed is told apart by its files.
                    let fingerprint = (syncSource.dirty ? nil : syncSource.commit) ?? Self.fingerprint(files)
                    if fingerprint != attempted {
                        attempted = fingerprint
                        let report = try await target.apply(files: files, source: syncSource, options: options)
                        log(report, syncSource)
                        await onApply(report)
                    }
                } catch {
                    logger.error("cannot sync: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func log(_ report: SyncReport, _ source: SyncSource) {
        guard let record = report.record else { return }
        if record.result == .applied {
            logger.info(
                "applied \(source.summary): \(record.created) created, \(record.updated) updated, \(record.deleted) deleted, \(record.unchanged) unchanged"
            )
        } else {
            logger.error("kept the last good state; \(source.summary) failed: \(record.error ?? "unknown error")")
        }
    }

    /// What a folder's files hold, to notice when they change.
    static func fingerprint(_ files: [DefinitionFile]) -> String {
        var hasher = Hasher()
        for file in files {
            hasher.combine(file.path)
            hasher.combine(file.contents)
        }
        return String(hasher.finalize())
    }
}
