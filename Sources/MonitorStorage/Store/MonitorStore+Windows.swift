import Config
import Foundation
import GRDB
import MonitorDomain
import Synchronization

extension MonitorStore {
    /// Every maintenance window, by name.
    public func windows() async throws -> [MaintenanceWindow] {
        try await read { db in try Self.fetchAllWindows(db) }
    }

    static func fetchAllWindows(_ db: Database) throws -> [MaintenanceWindow] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT name, definition, source_repository, source_file, source_line, source_commit, created_at,
                    updated_at, source_id
                FROM windows ORDER BY name
                """
        ).map(window)
    }

    static func window(from row: Row) throws -> MaintenanceWindow {
        let text: String = row[1]
        var definition: WindowDefinition
        do {
            definition = try JSONDecoder().decode(WindowDefinition.self, from: Data(text.utf8))
        } catch {
            throw MonitorError(
                .internalError, "window '\(row[0] as String)' is stored in a form this build cannot read")
        }
        let origin = (row[3] as String?).map { file in
            Job.Origin(identity: row[8], repository: row[2], file: file, line: row[4] ?? 1, commit: row[5])
        }
        definition.location = origin.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return MaintenanceWindow(
            definition: definition, origin: origin, createdAt: date(row, 6), updatedAt: date(row, 7))
    }

    /// The windows, from memory while none changed: the alert engine and the outbox ask
    /// at every deadline and every alert, and a thousand windows decoded each time would
    /// cost milliseconds. `windows_version` (kept by triggers) says when to read again.
    static func cachedWindows(_ db: Database) throws -> [WindowDefinition] {
        let version =
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM monitor_state WHERE key = 'windows_version'")) ?? "0"
        let path = databasePath(db)
        if let cached = windowCache.withLock({ $0[path] }), cached.version == version { return cached.windows }
        let windows = try fetchAllWindows(db).map(\.definition)
        windowCache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[path] = (version, windows)
        }
        return windows
    }

    /// The windows of each database file this process has open, with their version.
    private static let windowCache = Mutex<[String: (version: String, windows: [WindowDefinition])]>([:])

    /// The file a connection reads, which names its cache entry.
    private static func databasePath(_ db: Database) -> String {
        ((try? String.fetchOne(db, sql: "SELECT file FROM pragma_database_list WHERE name = 'main'")) ?? nil) ?? ""
    }

    /// The one writer of a window's row.
    static func writeWindow(
        _ db: Database, _ definition: WindowDefinition, exists: Bool, source: SyncSource, at now: Date
    ) throws {
        let arguments: StatementArguments = [
            definition.name, try encodeJSON(definition), source.repository, definition.location?.file,
            definition.location?.line, source.commit, now, source.identity,
        ]
        try db.execute(
            sql: exists
                ? """
                UPDATE windows SET definition = ?2, source_repository = ?3, source_file = ?4, source_line = ?5,
                    source_commit = ?6, updated_at = ?7, source_id = ?8
                WHERE name = ?1
                """
                : """
                INSERT INTO windows (name, definition, source_repository, source_file, source_line, source_commit,
                    created_at, updated_at, source_id)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
                """, arguments: arguments)
    }

    /// Carries out the windows part of a plan, in the apply's transaction.
    static func write(
        _ plan: SyncPlan.WindowPlan, desired: [WindowDefinition], source: SyncSource, db: Database, at now: Date
    ) throws {
        var definitions: [String: WindowDefinition] = [:]
        for definition in desired { definitions[definition.name] = definition }
        for create in plan.creates {
            try writeWindow(db, definitions[create.name]!, exists: false, source: source, at: now)
        }
        for update in plan.updates {
            try writeWindow(db, definitions[update.name]!, exists: true, source: source, at: now)
        }
        for name in plan.claimed {
            try db.execute(
                sql: "UPDATE windows SET source_id = ?, source_repository = ? WHERE name = ? AND source_id IS NULL",
                arguments: [source.identity, source.repository, name])
        }
        for delete in plan.deletes {
            try db.execute(sql: "DELETE FROM windows WHERE name = ?", arguments: [delete.name])
        }
    }

    /// The window of `mode` covering `job` that is open at `instant`, if any.
    static func window(
        _ mode: WindowDefinition.Mode, covering job: JobDefinition, at instant: Date, in windows: [WindowDefinition]
    ) -> WindowDefinition? {
        windows.first { $0.mode == mode && $0.covers(job) && $0.occurrence(at: instant) != nil }
    }
}
