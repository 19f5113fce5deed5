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
            sql: "SELECT \(documentColumns) FROM windows ORDER BY name"
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
        let origin = documentOrigin(row)
        definition.location = origin.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return MaintenanceWindow(
            definition: definition, origin: origin, createdAt: date(row, 6), updatedAt: date(row, 7))
    }

    /// The windows that cover a job (its id and tags), through an index of the windows'
    /// tags and glob prefixes, remembered per job while the windows stay the same: a
    /// thousand windows matched one by one at every deadline of every job doubled the
    /// alert engine's time per wake-up (docs/performance.md).
    static func windows(covering job: JobDefinition, _ db: Database) throws -> [WindowDefinition] {
        try windowSet(db).windows(covering: job)
    }

    /// One database's windows at one version, indexed by what they match, with the jobs
    /// each covers as found so far.
    final class WindowSet: Sendable {
        let version: String
        let windows: [WindowDefinition]
        /// Indexes into `windows`, by job id and tags.
        let coverage = Mutex<[String: [Int]]>([:])
        /// Windows without `match`: every job.
        private let everyJob: [Int]
        private let byTag: [String: [Int]]
        /// Job globs by their literal start (the characters before the first `*`, `?`,
        /// `[` or `\`): only globs whose start begins a job's id can match it.
        private let globsByPrefix: [String: [(pattern: String, window: Int)]]
        private let prefixLengths: [Int]

        init(version: String, windows: [WindowDefinition]) {
            self.version = version
            self.windows = windows
            var everyJob: [Int] = []
            var byTag: [String: [Int]] = [:]
            var globs: [String: [(pattern: String, window: Int)]] = [:]
            for (index, window) in windows.enumerated() {
                guard let match = window.match else {
                    everyJob.append(index)
                    continue
                }
                for tag in Set(match.tags) { byTag[tag, default: []].append(index) }
                for pattern in match.jobs {
                    let prefix = String(pattern.prefix { !"*?[\\".contains($0) })
                    globs[prefix, default: []].append((pattern, index))
                }
            }
            self.everyJob = everyJob
            self.byTag = byTag
            globsByPrefix = globs
            prefixLengths = Set(globs.keys.map(\.count)).sorted()
        }

        /// Whether any window is `skip`: only then do deadlines look at windows.
        var hasSkip: Bool { windows.contains { $0.mode == .skip } }

        /// The windows that cover `job`, found through the index once per job id and tags.
        func windows(covering job: JobDefinition) -> [WindowDefinition] {
            guard !windows.isEmpty else { return [] }
            let key = job.jobID + "\u{0}" + job.tags.joined(separator: "\u{1}")
            if let known = coverage.withLock({ $0[key] }) { return known.map { windows[$0] } }
            let found = covering(job)
            coverage.withLock { coverage in
                if coverage.count >= 200_000 { coverage.removeAll() }
                coverage[key] = found
            }
            return found.map { windows[$0] }
        }

        /// The indexes of the windows that cover `job`, in the windows' order.
        func covering(_ job: JobDefinition) -> [Int] {
            var found = Set(everyJob)
            for tag in job.tags { found.formUnion(byTag[tag] ?? []) }
            let id = Array(job.jobID)
            for length in prefixLengths where length <= id.count {
                for (pattern, window) in globsByPrefix[String(id[..<length])] ?? []
                where !found.contains(window) && Glob.matches(pattern, job.jobID) {
                    found.insert(window)
                }
            }
            return found.sorted()
        }
    }

    /// The windows, from memory while none changed: the alert engine and the outbox ask
    /// at every deadline and every alert, and a thousand windows decoded each time would
    /// cost milliseconds. `windows_version` (kept by triggers) says when to read again.
    static func windowSet(_ db: Database) throws -> WindowSet {
        let version =
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM monitor_state WHERE key = 'windows_version'")) ?? "0"
        let path = databasePath(db)
        if let cached = windowCache.withLock({ $0[path] }), cached.version == version { return cached }
        let set = WindowSet(version: version, windows: try fetchAllWindows(db).map(\.definition))
        windowCache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[path] = set
        }
        return set
    }

    /// The windows of each database file this process has open.
    private static let windowCache = Mutex<[String: WindowSet]>([:])

    /// The file a connection reads, which names its cache entry.
    private static func databasePath(_ db: Database) -> String {
        ((try? String.fetchOne(
            db.cachedStatement(sql: "SELECT file FROM pragma_database_list WHERE name = 'main'"))) ?? nil) ?? ""
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
    static func window(_ mode: WindowDefinition.Mode, covering job: JobDefinition, at instant: Date, _ db: Database)
        throws -> WindowDefinition?
    {
        try windows(covering: job, db).first { $0.mode == mode && $0.occurrence(at: instant) != nil }
    }
}
