import CronicleLogging
import Foundation
import GRDB
import Logging
import MonitorDomain
import ServiceLifecycle

/// Copies the write-ahead log back into the database file from its own connection,
/// so that requests do not wait for it.
///
/// SQLite checkpoints inside the commit that takes the log past 1,000 pages, on the
/// writer; under load that stalled a batch of pings for milliseconds and set the API's
/// p99. This service's PASSIVE checkpoints run beside the writer without blocking it and
/// copy most pages ahead of time, so the writer's own checkpoint, which is still what
/// lets SQLite restart the log from the beginning, finds little left to do.
public struct WALCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    /// The longest wait between checkpoints while nothing is written.
    static let idleInterval: Duration = .seconds(2)

    public init(path: String, interval: Duration = .milliseconds(100), logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let failures = ThrottledLog(logger: logger, level: .warning)
        let connection = try Self.connection(path)
        defer { try? connection.close() }
        // While nothing is written the log does not change: the wait doubles, up to
        // `idleInterval`, and drops back to `interval` at the first new frame.
        var wait = interval
        var last: (walFrames: Int, checkpointed: Int)?
        while !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: wait)
            } catch {
                break
            }
            do {
                let result = try await Self.checkpoint(connection)
                wait = last.map { $0 == result } == true ? min(wait * 2, Self.idleInterval) : interval
                last = result
                failures.clear("WAL checkpoints work again")
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // Another checkpoint (the writer's own, or cronicle-sync's) is running:
                // it does this round's work.
                logger.debug("WAL checkpoint skipped: another one is running")
            } catch {
                failures.log("WAL checkpoint failed: \(MonitorStore.describe(error))")
            }
        }
        _ = try? await Self.checkpoint(connection)
    }

    static func connection(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// One PASSIVE checkpoint: the log's size in frames, and how many are now in the database file.
    static func checkpoint(_ connection: DatabaseQueue) async throws -> (walFrames: Int, checkpointed: Int) {
        try await connection.writeWithoutTransaction { db in
            let result = try db.checkpoint(.passive)
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }
}
