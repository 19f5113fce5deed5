import Foundation
import MonitorDomain
import MonitorStorage

/// Brings a PostgreSQL database to the schema this build knows (``PostgresSchema``): each
/// migration it lacks in a transaction of its own, recorded in `cronicle_migrations`. Nodes
/// starting together take turns (a lock held by each migration's transaction, which then
/// reads what the others applied). A database holding a migration this build does not know
/// was written by a newer Cronicle and is refused, as SQLite's is.
package enum PostgresMigrator {
    /// Applies what is missing and returns the ids it applied, oldest first.
    @discardableResult
    package static func migrate(
        _ lane: PostgresLane, location: String, migrations: [PostgresSchema.Migration] = PostgresSchema.migrations
    ) async throws -> [String] {
        var applied: [String] = []
        for migration in migrations {
            let didApply = try await lane.transaction { session -> Bool in
                try session.lock(.task(.migrate))
                try session.execute(
                    """
                    CREATE TABLE IF NOT EXISTS cronicle_migrations (
                        id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                let present = Set(try session.fetchAll("SELECT id FROM cronicle_migrations").map { try $0.text(0) })
                try refuseNewer(present, known: migrations, location: location)
                guard !present.contains(migration.id) else { return false }
                for statement in migration.statements { try session.execute(statement) }
                try session.execute("INSERT INTO cronicle_migrations (id) VALUES (?)", [.text(migration.id)])
                return true
            }
            if didApply { applied.append(migration.id) }
        }
        return applied
    }

    /// Refuses a database that holds no Cronicle schema: `cronicle-sync apply` without
    /// `--init` must not fill a mistyped database that no server reads.
    package static func requireCronicle(_ lane: PostgresLane, location: String) async throws {
        if try await applied(lane).isEmpty {
            throw notCronicle(location, "give the monitor's database with --db, or add --init to make one there")
        }
    }

    /// Refuses a database whose schema is not exactly this build's, changing nothing: what
    /// `plan` and `status` read must be what the server reads.
    package static func requireCurrent(
        _ lane: PostgresLane, location: String, migrations: [PostgresSchema.Migration] = PostgresSchema.migrations
    ) async throws {
        let present = try await applied(lane)
        if present.isEmpty { throw notCronicle(location, "give the monitor's database with --db") }
        try refuseNewer(present, known: migrations, location: location)
        if present != Set(migrations.map(\.id)) {
            throw MonitorError(
                .invalidRequest,
                "the database at \(location) was written by an older Cronicle; `cronicle serve` or "
                    + "`cronicle-sync apply` upgrades it")
        }
    }

    /// Refuses a database holding a migration this build does not know: a newer Cronicle wrote it.
    private static func refuseNewer(
        _ present: Set<String>, known migrations: [PostgresSchema.Migration], location: String
    ) throws {
        let unknown = present.subtracting(migrations.map(\.id))
        guard unknown.isEmpty else {
            throw MonitorError(
                .invalidRequest,
                "the database at \(location) was written by a newer Cronicle than this one (it has "
                    + "\(unknown.sorted().joined(separator: ", "))); run that version or a later one")
        }
    }

    /// The error for a database with no Cronicle schema; `next` says what to do instead.
    private static func notCronicle(_ location: String, _ next: String) -> MonitorError {
        MonitorError(
            .invalidRequest,
            "the PostgreSQL database at \(location) is not a Cronicle database (it has none of its tables); \(next)")
    }

    /// The ids of the migrations applied, none when the database has no Cronicle schema.
    private static func applied(_ lane: PostgresLane) async throws -> Set<String> {
        try await lane.transaction(.readOnly) { session in
            guard try session.fetchOne("SELECT to_regclass('cronicle_migrations') IS NOT NULL")?.bool(0) == true
            else { return [] }
            return Set(try session.fetchAll("SELECT id FROM cronicle_migrations").map { try $0.text(0) })
        }
    }
}
