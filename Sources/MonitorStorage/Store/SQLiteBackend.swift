import CronicleBuildInfo
import Foundation
import GRDB
import MonitorDomain

/// The store on one SQLite file: WAL journal with `synchronous = FULL`, so a write is on
/// disk, fsynced, before the call returns; a `kill -9` or a power cut right after loses
/// nothing that was reported as recorded. Concurrent writers are committed together in
/// one transaction (group commit, see ``WriteBatcher``), which keeps that guarantee while
/// paying for one fsync per batch instead of one per request. A busy timeout lets
/// `cronicle-sync` write the same file while the server runs.
package final class SQLiteBackend: StoreBackend {
    package let path: String
    let pool: DatabasePool
    let batcher: WriteBatcher

    package var location: String { path }
    package var dialect: SQLDialect { .sqlite }

    /// Opens the database at `path`: by default creating it if needed and migrating it.
    package init(path: String, mode: MonitorStore.OpenMode = .create) throws {
        try MonitorStore.requireFilePath(path)
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        if mode != .create {
            guard FileManager.default.fileExists(atPath: path) else {
                throw MonitorError(
                    .notFound,
                    "the database \(path) does not exist; give the monitor's database file with --db "
                        + "(`cronicle serve` creates it, and so does `cronicle-sync apply --init`), or use --server")
            }
        }
        if mode == .readOnly {
            configuration.readonly = true
        } else {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // The writer checkpoints the log once it passes 10,000 pages (about 40 MB),
                // ten times SQLite's default: each such checkpoint stalls the batch that
                // triggers it, and a WALCheckpointer beside the server copies most pages
                // ahead of time, so these stay rare and short.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        if mode == .readOnly {
            try Self.checkSchema(pool, path: path)
        } else {
            if mode == .existing, try pool.read({ db in try MonitorStore.migrator.appliedIdentifiers(db).isEmpty }) {
                throw MonitorError(
                    .invalidRequest,
                    "\(path) is not a Cronicle database (it has none of its tables); give the monitor's database "
                        + "with --db, or add --init to make a new one there")
            }
            let before = try pool.read { db in try MonitorStore.migrator.appliedIdentifiers(db) }
            try MonitorStore.migrator.migrate(pool)
            // v9 stripped credentials from stored URLs; the pages that held them go from
            // the write-ahead log into the file now, so no old copy waits for a checkpoint.
            if !before.isEmpty && !before.contains(MonitorStore.sourceIdentityMigration) {
                try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            }
        }
        batcher = WriteBatcher(pool: pool)
    }

    /// Refuses a database whose schema this build would have to migrate (or cannot know).
    private static func checkSchema(_ pool: DatabasePool, path: String) throws {
        let (applied, complete) = try pool.read { db in
            (try MonitorStore.migrator.appliedIdentifiers(db), try MonitorStore.migrator.hasCompletedMigrations(db))
        }
        if applied.isEmpty {
            throw MonitorError(
                .invalidRequest,
                "\(path) is not a Cronicle database (it has none of its tables); give the monitor's database with --db")
        }
        if try pool.read({ db in try MonitorStore.migrator.hasBeenSuperseded(db) }) {
            throw MonitorError(
                .invalidRequest, "\(path) was written by a newer Cronicle than this one (\(CronicleVersion.current))")
        }
        if !complete {
            throw MonitorError(
                .invalidRequest,
                "\(path) was written by an older Cronicle; `cronicle serve` or `cronicle-sync apply` upgrades it")
        }
    }

    package func write<T: Sendable>(
        lane: WriteLane, _ operation: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await writeDatabase(lane: lane) { db in try operation(GRDBSession(db)) }
    }

    package func read<T: Sendable>(_ operation: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await pool.read { db in try operation(GRDBSession(db)) }
    }

    /// A write on GRDB's connection, through the group commit; errors of the storage come
    /// out as ``MonitorError``s (``storageFault(_:)``).
    func writeDatabase<T: Sendable>(
        lane: WriteLane, _ operation: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await batcher.write(lane: lane, operation)
        } catch let error as DatabaseError {
            throw Self.storageFault(error) ?? error
        }
    }

    /// The error to answer for a database error that comes from the storage, not the request.
    static func storageFault(_ error: DatabaseError) -> MonitorError? {
        switch error.resultCode {
        case .SQLITE_FULL:
            MonitorError(.storageFull, "the disk holding the database is full; nothing was recorded, retry later")
        case .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_BUSY, .SQLITE_LOCKED:
            MonitorError(
                .storageUnavailable,
                "the database cannot be written now (\(MonitorStore.describe(error))); nothing was recorded, retry later"
            )
        default:
            nil
        }
    }

    static func unwritable(_ path: String, _ error: any Error) -> MonitorError {
        MonitorError(
            .storageUnavailable,
            "cannot write the database \(path): \(MonitorStore.describe(error)). Check that the file and its folder "
                + "are writable by this user and the disk has space, or give another path with --db")
    }

    /// Runs `operation` in a read transaction on the calling thread, for a copy that runs
    /// inside another database's transaction (`cronicle migrate`).
    package func readSynchronously<T>(_ operation: (Database) throws -> T) throws -> T {
        try pool.read(operation)
    }

    package func close() throws {
        try pool.close()
    }
}
