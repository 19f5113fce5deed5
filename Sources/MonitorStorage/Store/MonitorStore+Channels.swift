import Config
import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// Every notification channel, by name.
    public func channels() async throws -> [Channel] {
        try await read { db in try Self.fetchAllChannels(db) }
    }

    static func fetchAllChannels(_ db: Database) throws -> [Channel] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(documentColumns) FROM channels ORDER BY name")).map(channel)
    }

    /// The columns a synced document's rows share (channels, windows), in the order
    /// ``documentOrigin(_:)`` and the rows' own decoding read them.
    static let documentColumns = """
        name, definition, source_repository, source_file, source_line, source_commit, created_at, updated_at, \
        source_id
        """

    /// Where a channel or window was applied from, from a row of ``documentColumns``.
    static func documentOrigin(_ row: Row) -> Job.Origin? {
        (row[3] as String?).map { file in
            Job.Origin(identity: row[8], repository: row[2], file: file, line: row[4] ?? 1, commit: row[5])
        }
    }

    static func channel(from row: Row) throws -> Channel {
        let text: String = row[1]
        var definition: ChannelDefinition
        do {
            definition = try JSONDecoder().decode(ChannelDefinition.self, from: Data(text.utf8))
        } catch {
            throw MonitorError(
                .internalError, "channel '\(row[0] as String)' is stored in a form this build cannot read")
        }
        let origin = documentOrigin(row)
        definition.location = origin.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return Channel(definition: definition, origin: origin, createdAt: date(row, 6), updatedAt: date(row, 7))
    }

    /// The one writer of a channel's row: inserts `definition`, or replaces the row of
    /// the channel of that name, owned by the sync source that applies it.
    static func writeChannel(
        _ db: Database, _ definition: ChannelDefinition, exists: Bool, source: SyncSource, at now: Date
    ) throws {
        let arguments: StatementArguments = [
            definition.name, definition.kind.rawValue, try encodeJSON(definition), source.repository,
            definition.location?.file, definition.location?.line, source.commit, now, source.identity,
        ]
        try db.execute(
            sql: exists
                ? """
                UPDATE channels SET type = ?2, definition = ?3, source_repository = ?4, source_file = ?5,
                    source_line = ?6, source_commit = ?7, updated_at = ?8, source_id = ?9
                WHERE name = ?1
                """
                : """
                INSERT INTO channels (name, type, definition, source_repository, source_file, source_line,
                    source_commit, created_at, updated_at, source_id)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
                """, arguments: arguments)
    }

    /// Carries out the channels part of a plan, in the apply's transaction; answers the
    /// `channel_failing` alerts of deleted channels, resolved with them (their deliveries
    /// to the remaining channels are written here too).
    static func write(
        _ plan: SyncPlan.ChannelPlan, desired: [ChannelDefinition], source: SyncSource, db: Database, at now: Date
    ) throws -> [AlertChange] {
        var definitions: [String: ChannelDefinition] = [:]
        for definition in desired { definitions[definition.name] = definition }
        for create in plan.creates {
            try writeChannel(db, definitions[create.channel]!, exists: false, source: source, at: now)
        }
        for update in plan.updates {
            try writeChannel(db, definitions[update.channel]!, exists: true, source: source, at: now)
        }
        for name in plan.claimed {
            try db.execute(
                sql: "UPDATE channels SET source_id = ?, source_repository = ? WHERE name = ? AND source_id IS NULL",
                arguments: [source.identity, source.repository, name])
        }
        var resolved: [AlertChange] = []
        for delete in plan.deletes {
            try db.execute(sql: "DELETE FROM channels WHERE name = ?", arguments: [delete.channel])
            resolved += try resolveChannelAlert(db, channel: delete.channel, at: now)
        }
        try enqueueDeliveries(db, resolved, at: now)
        return resolved
    }
}
