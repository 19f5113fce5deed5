import Foundation
import GRDB
import MonitorDomain

/// A consistent copy of a monitor's database, taken while a server may be writing to it
/// (`cronicle backup`).
///
/// ```swift
/// let copy = try DatabaseBackup.copy(from: "cronicle.db", to: "/backups/cronicle.db")
/// print(copy.bytes, copy.runs)
/// ```
///
/// SQLite's online backup copies every page inside one read transaction: the copy is the
/// database as of the moment the backup began, with every write committed before then
/// (a ping answered "recorded" is committed) and none after. In WAL mode the server
/// keeps writing meanwhile; its log cannot be checkpointed past that moment until the copy
/// ends, so it grows for the copy's duration. The copy is written beside `destination`
/// under a temporary name, checked with `PRAGMA integrity_check`, and only then renamed
/// into place: a failed backup never leaves a half-written file at `destination`.
public struct DatabaseBackup: Sendable, Hashable {
    /// The copy's size in bytes.
    public var bytes: Int64
    public var jobs: Int
    public var runs: Int
    public var alerts: Int
    /// The schema version of the copy (its last migration), as the database recorded it.
    public var schema: String?

    /// Copies `source` to `destination`. Refuses a missing source, a file that is not a
    /// Cronicle database, and an existing destination unless `overwrite`. Throws if the
    /// copy fails its integrity check, and removes it then.
    public static func copy(from source: String, to destination: String, overwrite: Bool = false) throws
        -> DatabaseBackup
    {
        try MonitorStore.requireFilePath(source)
        try MonitorStore.requireFilePath(destination)
        guard FileManager.default.fileExists(atPath: source) else {
            throw MonitorError(
                .notFound, "the database \(source) does not exist; give the monitor's database file with --db")
        }
        if FileManager.default.fileExists(atPath: destination) && !overwrite {
            throw MonitorError(
                .conflict,
                "\(destination) already exists; give a new file with --to, or add --force to replace it")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let reader = try DatabaseQueue(path: source, configuration: configuration)
        defer { try? reader.close() }
        let isCronicle = try reader.read { db in
            try db.tableExists("job_configs") && db.tableExists("job_runs")
        }
        guard isCronicle else {
            throw MonitorError(
                .invalidRequest,
                "\(source) is not a Cronicle database (it has no job_configs or job_runs table); give the "
                    + "monitor's database with --db")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let partial =
            (folder.isEmpty ? "." : folder) + "/." + (destination as NSString).lastPathComponent
            + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
        var backup: DatabaseBackup
        do {
            let copy = try DatabaseQueue(path: partial)
            try reader.backup(to: copy)
            backup = try copy.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else {
                    throw MonitorError(
                        .storageUnavailable,
                        "the copy of \(source) failed its integrity check (\(problems.prefix(5).joined(separator: "; "))); "
                            + "nothing was written to \(destination). Check the disk, then run "
                            + "`sqlite3 \(source) 'PRAGMA integrity_check'` on the original")
                }
                return DatabaseBackup(
                    bytes: 0, jobs: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_configs") ?? 0,
                    runs: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_runs") ?? 0,
                    alerts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_alerts") ?? 0,
                    schema: try db.tableExists("grdb_migrations")
                        ? String.fetchOne(
                            db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") : nil)
            }
            // Closing checkpoints the copy's log into the file and removes it: one file to keep.
            try copy.close()
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: partial + suffix)
            }
            throw error
        }
        // rename(2): the copy appears at `destination` whole, replacing what was there at once.
        guard rename(partial, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partial)
            throw MonitorError(
                .storageUnavailable, "cannot move the copy into place at \(destination): \(reason)")
        }
        backup.bytes =
            (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?
            .int64Value ?? 0
        return backup
    }
}
