import Config
import Foundation
import MonitorDomain
import Synchronization

extension MonitorStore {
    /// Every maintenance window, by name.
    public func windows() async throws -> [MaintenanceWindow] {
        try await read { session in try Self.fetchAllWindows(session) }
    }

    static func fetchAllWindows(_ session: any SQLSession) throws -> [MaintenanceWindow] {
        try session.fetchAll("SELECT \(documentColumns) FROM windows ORDER BY name\(session.dialect.byteOrder)").map(
            window)
    }

    static func window(from row: SQLRow) throws -> MaintenanceWindow {
        let text = try row.text(1)
        var definition: WindowDefinition
        do {
            definition = try JSONDecoder().decode(WindowDefinition.self, from: Data(text.utf8))
        } catch {
            throw MonitorError(
                .internalError, "window '\(try row.text(0))' is stored in a form this build cannot read")
        }
        let origin = try documentOrigin(row)
        definition.location = origin.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return MaintenanceWindow(
            definition: definition, origin: origin, createdAt: try row.date(6), updatedAt: try row.date(7))
    }

    /// The windows that cover a job (its id and tags), through an index of the windows'
    /// tags and glob prefixes, remembered per job while the windows stay the same: a
    /// thousand windows matched one by one at every deadline of every job doubled the
    /// alert engine's time per wake-up (docs/performance.md).
    static func windows(covering job: JobDefinition, _ session: any SQLSession) throws -> [WindowDefinition] {
        try windowSet(session).windows(covering: job)
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
    static func windowSet(_ session: any SQLSession) throws -> WindowSet {
        let version =
            try session.fetchOne("SELECT value FROM monitor_state WHERE key = 'windows_version'")?.text(0) ?? "0"
        let database = try session.databaseName()
        if let cached = windowCache.withLock({ $0[database] }), cached.version == version { return cached }
        let set = WindowSet(version: version, windows: try fetchAllWindows(session).map(\.definition))
        windowCache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[database] = set
        }
        return set
    }

    /// The windows of each database this process has open.
    private static let windowCache = Mutex<[String: WindowSet]>([:])

    /// The one writer of a window's row.
    static func writeWindow(
        _ session: any SQLSession, _ definition: WindowDefinition, exists: Bool, source: SyncSource, at now: Date
    ) throws {
        let arguments: [SQLValue] = [
            .text(definition.name), .text(try encodeJSON(definition)), .text(source.repository),
            .text(definition.location?.file), .integer(definition.location?.line), .text(source.commit), .date(now),
            .text(source.identity),
        ]
        try session.execute(
            exists
                ? """
                UPDATE windows SET definition = ?2, source_repository = ?3, source_file = ?4, source_line = ?5,
                    source_commit = ?6, updated_at = ?7, source_id = ?8
                WHERE name = ?1
                """
                : """
                INSERT INTO windows (name, definition, source_repository, source_file, source_line, source_commit,
                    created_at, updated_at, source_id)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
                """, arguments)
    }

    /// Carries out the windows part of a plan, in the apply's transaction.
    static func write(
        _ plan: SyncPlan.WindowPlan, desired: [WindowDefinition], source: SyncSource, session: any SQLSession,
        at now: Date
    ) throws {
        var definitions: [String: WindowDefinition] = [:]
        for definition in desired { definitions[definition.name] = definition }
        for create in plan.creates {
            try writeWindow(session, definitions[create.name]!, exists: false, source: source, at: now)
        }
        for update in plan.updates {
            try writeWindow(session, definitions[update.name]!, exists: true, source: source, at: now)
        }
        for name in plan.claimed {
            try session.execute(
                "UPDATE windows SET source_id = ?, source_repository = ? WHERE name = ? AND source_id IS NULL",
                [.text(source.identity), .text(source.repository), .text(name)])
        }
        for delete in plan.deletes {
            try session.execute("DELETE FROM windows WHERE name = ?", [.text(delete.name)])
        }
    }

    /// The window of `mode` covering `job` that is open at `instant`, if any.
    static func window(
        _ mode: WindowDefinition.Mode, covering job: JobDefinition, at instant: Date, _ session: any SQLSession
    ) throws -> WindowDefinition? {
        try windows(covering: job, session).first { $0.mode == mode && $0.occurrence(at: instant) != nil }
    }
}
