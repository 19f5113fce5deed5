import Foundation
import MonitorDomain

extension MonitorStore {
    /// Makes a key and records who made it; answers the key and its secret, which is
    /// shown this once and kept only as its hash.
    public func createKey(
        name: String, scope: AccessScope, jobs: [String], tags: [String], by author: ChangeAuthor
    ) async throws -> (key: APIKey, secret: String) {
        try APIKey.checkName(name)
        guard scope == .ping || (jobs.isEmpty && tags.isEmpty) else {
            throw MonitorError(
                .invalidRequest,
                "only a ping key is limited to jobs or tags; drop --jobs and --tags, or make it with --scope ping")
        }
        let now = clock.now
        let secret = KeySecret.generate()
        let key = APIKey(
            name: name, scope: scope, jobs: jobs, tags: tags, hint: KeySecret.hint(secret), createdAt: now,
            createdBy: author.name)
        try await write { session in
            if let existing = try Self.fetchKey(session, name) {
                throw MonitorError(
                    .conflict,
                    "a key named '\(name)' already exists\(existing.isRevoked ? " (revoked)" : ""); "
                        + "key names are never reused, so that the audit log stays clear: choose another name")
            }
            try session.execute(
                """
                INSERT INTO api_keys (name, scope, jobs, tags, secret_hash, hint, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(name), .text(scope.rawValue), .text(try Self.encodeJSON(jobs)),
                    .text(try Self.encodeJSON(tags)), .text(KeySecret.hash(secret)), .text(key.hint), .date(now),
                    .text(author.name),
                ])
            try Self.recordAudit(
                session,
                AuditEntry(
                    at: now, actor: author.name, via: author.via, kind: .keyCreated, target: name,
                    after: Self.keyValues(key)))
        }
        return (key, secret)
    }

    /// Revokes a key at once; its sessions end with it. Revoking a revoked key changes nothing.
    public func revokeKey(_ name: String, by author: ChangeAuthor) async throws -> APIKey {
        let now = clock.now
        return try await write { session in
            guard let key = try Self.fetchKey(session, name) else {
                throw MonitorError(.notFound, "no key is named '\(name)'; `cronicle keys list` shows the keys")
            }
            guard !key.isRevoked else { return key }
            try session.execute(
                "UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE name = ?",
                [.date(now), .text(author.name), .text(name)])
            try session.execute(
                "DELETE FROM sessions WHERE secret_hash = (SELECT secret_hash FROM api_keys WHERE name = ?)",
                [.text(name)])
            let revoked = try Self.fetchKey(session, name)!
            try Self.recordAudit(
                session,
                AuditEntry(
                    at: now, actor: author.name, via: author.via, kind: .keyRevoked, target: name,
                    before: Self.keyValues(key), after: Self.keyValues(revoked)))
            return revoked
        }
    }

    /// Every key made, revoked ones too, by name.
    public func keys() async throws -> [APIKey] {
        try await read { session in
            try session.fetchAll("SELECT * FROM api_keys ORDER BY name\(session.dialect.byteOrder)").map(Self.key)
        }
    }

    /// Every key with the hash of its secret, and the version of the keys table, for the
    /// server's in-memory key ring.
    public func keyHashes() async throws -> (version: Int64, keys: [(hash: String, key: APIKey)]) {
        try await read { session in
            let version = try Self.keysVersion(session)
            let keys = try session.fetchAll("SELECT * FROM api_keys").map { row in
                (hash: try row.text("secret_hash"), key: try Self.key(from: row))
            }
            return (version, keys)
        }
    }

    /// Counts every change to the keys, made by any process.
    public func keysVersion() async throws -> Int64 {
        try await read { session in try Self.keysVersion(session) }
    }

    /// The secret badge URLs are signed with, made once with the database.
    public func badgeSecret() async throws -> String {
        try await read { session in
            guard
                let secret = try session.fetchOne("SELECT value FROM monitor_state WHERE key = 'badge_secret'")?.text(0)
            else { throw MonitorError(.internalError, "the database has no badge secret; is it migrated?") }
            return secret
        }
    }

    // MARK: Sessions

    /// Opens a dashboard session for the secret whose hash is `secretHash`, until `expires`.
    public func openSession(tokenHash: String, secretHash: String, name: String, expires: Date) async throws {
        let now = clock.now
        try await write { session in
            try session.execute("DELETE FROM sessions WHERE expires_at <= ?", [.date(now)])
            try session.execute(
                "INSERT INTO sessions (token_hash, secret_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.text(tokenHash), .text(secretHash), .text(name), .date(now), .date(expires)])
        }
    }

    /// The secret hash and expiry of an open session, or nil when there is none or it expired.
    public func session(tokenHash: String) async throws -> (secretHash: String, expires: Date)? {
        let now = clock.now
        return try await read { session in
            try session.fetchOne(
                "SELECT secret_hash, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
                [.text(tokenHash), .date(now)]
            ).map { (try $0.text(0), try $0.date(1)) }
        }
    }

    public func closeSession(tokenHash: String) async throws {
        try await write { session in
            try session.execute("DELETE FROM sessions WHERE token_hash = ?", [.text(tokenHash)])
        }
    }

    // MARK: Rows

    static func keysVersion(_ session: any SQLSession) throws -> Int64 {
        try session.fetchOne("SELECT CAST(value AS BIGINT) FROM monitor_state WHERE key = 'keys_version'")?.int64(0)
            ?? 0
    }

    static func fetchKey(_ session: any SQLSession, _ name: String) throws -> APIKey? {
        try session.fetchOne("SELECT * FROM api_keys WHERE name = ?", [.text(name)]).map(key)
    }

    static func key(from row: SQLRow) throws -> APIKey {
        APIKey(
            name: try row.text("name"), scope: AccessScope(rawValue: try row.text("scope")) ?? .read,
            jobs: try decodeTags(try row.text("jobs")), tags: try decodeTags(try row.text("tags")),
            hint: try row.text("hint"), createdAt: try row.date("created_at"), createdBy: try row.text("created_by"),
            revokedAt: try row.optionalDate("revoked_at"), revokedBy: try row.optionalText("revoked_by"))
    }

    /// A key as the audit log shows it: never its secret or hash.
    static func keyValues(_ key: APIKey) -> JSONValue {
        var values: JSONValue = [
            "name": .string(key.name), "scope": .string(key.scope.rawValue),
            "jobs": .array(key.jobs.map(JSONValue.string)), "tags": .array(key.tags.map(JSONValue.string)),
        ]
        if let revokedAt = key.revokedAt {
            values = values.setting("revoked_at", .string(Timestamp.string(from: revokedAt)))
        }
        return values
    }
}
