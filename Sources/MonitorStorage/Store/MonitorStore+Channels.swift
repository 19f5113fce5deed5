import Config
import Foundation
import MonitorDomain

extension MonitorStore {
    /// Every notification channel, by name.
    public func channels() async throws -> [Channel] {
        try await read { session in try Self.fetchAllChannels(session) }
    }

    static func fetchAllChannels(_ session: any SQLSession) throws -> [Channel] {
        try session.fetchAll("SELECT \(documentColumns) FROM channels ORDER BY name\(session.dialect.byteOrder)").map(
            channel)
    }

    /// The columns a synced document's rows share (channels, windows), in the order
    /// ``documentOrigin(_:)`` and the rows' own decoding read them.
    static let documentColumns = """
        name, definition, source_repository, source_file, source_line, source_commit, created_at, updated_at, \
        source_id
        """

    /// Where a channel or window was applied from, from a row of ``documentColumns``.
    static func documentOrigin(_ row: SQLRow) throws -> Job.Origin? {
        try row.optionalText(3).map { file in
            Job.Origin(
                identity: try row.optionalText(8), repository: try row.optionalText(2), file: file,
                line: try row.optionalInt(4) ?? 1, commit: try row.optionalText(5))
        }
    }

    static func channel(from row: SQLRow) throws -> Channel {
        let text = try row.text(1)
        var definition: ChannelDefinition
        do {
            definition = try JSONDecoder().decode(ChannelDefinition.self, from: Data(text.utf8))
        } catch {
            throw MonitorError(
                .internalError, "channel '\(try row.text(0))' is stored in a form this build cannot read")
        }
        let origin = try documentOrigin(row)
        definition.location = origin.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return Channel(
            definition: definition, origin: origin, createdAt: try row.date(6), updatedAt: try row.date(7))
    }

    /// The one writer of a channel's row: inserts `definition`, or replaces the row of
    /// the channel of that name, owned by the sync source that applies it.
    static func writeChannel(
        _ session: any SQLSession, _ definition: ChannelDefinition, exists: Bool, source: SyncSource, at now: Date
    ) throws {
        let arguments: [SQLValue] = [
            .text(definition.name), .text(definition.kind.rawValue), .text(try encodeJSON(definition)),
            .text(source.repository), .text(definition.location?.file), .integer(definition.location?.line),
            .text(source.commit), .date(now), .text(source.identity),
        ]
        try session.execute(
            exists
                ? """
                UPDATE channels SET type = ?2, definition = ?3, source_repository = ?4, source_file = ?5,
                    source_line = ?6, source_commit = ?7, updated_at = ?8, source_id = ?9
                WHERE name = ?1
                """
                : """
                INSERT INTO channels (name, type, definition, source_repository, source_file, source_line,
                    source_commit, created_at, updated_at, source_id)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
                """, arguments)
    }

    /// Carries out the channels part of a plan, in the apply's transaction; answers the
    /// `channel_failing` alerts of deleted channels, resolved with them (their deliveries
    /// to the remaining channels are written here too).
    static func write(
        _ plan: SyncPlan.ChannelPlan, desired: [ChannelDefinition], source: SyncSource, session: any SQLSession,
        at now: Date
    ) throws -> [AlertChange] {
        var definitions: [String: ChannelDefinition] = [:]
        for definition in desired { definitions[definition.name] = definition }
        for create in plan.creates {
            try writeChannel(session, definitions[create.channel]!, exists: false, source: source, at: now)
        }
        for update in plan.updates {
            try writeChannel(session, definitions[update.channel]!, exists: true, source: source, at: now)
        }
        for name in plan.claimed {
            try session.execute(
                "UPDATE channels SET source_id = ?, source_repository = ? WHERE name = ? AND source_id IS NULL",
                [.text(source.identity), .text(source.repository), .text(name)])
        }
        var resolved: [AlertChange] = []
        for delete in plan.deletes {
            try session.execute("DELETE FROM channels WHERE name = ?", [.text(delete.channel)])
            resolved += try resolveChannelAlert(session, channel: delete.channel, at: now)
        }
        try enqueueDeliveries(session, resolved, at: now)
        return resolved
    }
}
