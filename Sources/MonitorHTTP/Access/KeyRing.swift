import Foundation
import MonitorDomain
import Synchronization

/// The keys, kept in memory and looked up by the hash of the secret a request sends, so
/// that checking a key costs a hash and a dictionary look-up, not a database read.
///
/// The ring reads the keys' version (one small row) at most once a second, on the first
/// request after the second has passed, and the keys again when the version changed:
/// a key revoked by another process (`cronicle keys revoke --db`) is refused within a
/// second, one revoked through this server's API at once.
public final class KeyRing: Sendable {
    private struct State {
        var version: Int64 = -1
        var keys: [String: APIKey] = [:]
        var checked: ContinuousClock.Instant?
        /// Open dashboard sessions seen by this process: token hash → secret hash, expiry,
        /// and when the database last said so.
        var sessions: [String: (secretHash: String, expires: Date, seen: ContinuousClock.Instant)] = [:]
    }

    private let store: any MonitorStoring
    private let apiTokenHash: String?
    private let state = Mutex(State())
    /// How long the ring trusts what it read before it asks the database again.
    static let freshness: Duration = .seconds(1)

    public init(store: any MonitorStoring, apiToken: String?) {
        self.store = store
        apiTokenHash = apiToken.map(KeySecret.hash)
    }

    /// Whether any key was ever made: from then on every request needs one (DESIGN 13).
    public func keysRequired() async throws -> Bool {
        try await refreshIfStale()
        return state.withLock { !$0.keys.isEmpty }
    }

    /// Whether `--api-token` is set.
    public var hasAPIToken: Bool { apiTokenHash != nil }

    /// The credential whose secret hashes to `hash`, or why it is refused.
    public func credential(secretHash hash: String) async throws -> Result<Caller.Credential, MonitorError> {
        try await refreshIfStale()
        if let apiTokenHash, AccessGuard.constantTimeEqual(Array(hash.utf8), Array(apiTokenHash.utf8)) {
            return .success(.apiToken)
        }
        var found = state.withLock { $0.keys[hash] }
        // A key made a moment ago by another process is taken at once: an unknown key costs
        // one small read of the keys' version, and a reload only when it changed.
        if found == nil, try await store.keysVersion() != state.withLock({ $0.version }) {
            try await reload()
            found = state.withLock { $0.keys[hash] }
        }
        guard let key = found else {
            return .failure(
                MonitorError(
                    .unauthorized,
                    "the key sent is not one of this monitor's keys (nor its --api-token); check for a stale or "
                        + "mistyped key, or make one with `cronicle keys create`"))
        }
        guard !key.isRevoked else {
            return .failure(
                MonitorError(
                    .unauthorized, "the key '\(key.name)' was revoked; make a new one with `cronicle keys create`"))
        }
        return .success(.key(key))
    }

    /// The key whose secret is `secret`, when it is an active key.
    public func activeKey(secret: String) async throws -> APIKey? {
        try await refreshIfStale()
        guard let key = state.withLock({ $0.keys[KeySecret.hash(secret)] }), !key.isRevoked else { return nil }
        return key
    }

    // MARK: Sessions

    /// The secret hash a dashboard session was opened with, if it is open and unexpired.
    ///
    /// What the database said is trusted for ``freshness`` only, then asked again: a session
    /// signed out on another node (several nodes share a PostgreSQL database) ends here
    /// within a second too.
    public func session(tokenHash: String, now: Date) async throws -> String? {
        let clock = ContinuousClock()
        if let known = state.withLock({ $0.sessions[tokenHash] }), known.seen.duration(to: clock.now) < Self.freshness {
            return known.expires > now ? known.secretHash : nil
        }
        // Opened by another node, or before a restart, or not looked at for a second.
        guard let stored = try await store.session(tokenHash: tokenHash) else {
            forget(session: tokenHash)
            return nil
        }
        state.withLock { $0.sessions[tokenHash] = (stored.secretHash, stored.expires, clock.now) }
        return stored.expires > now ? stored.secretHash : nil
    }

    public func remember(session tokenHash: String, secretHash: String, expires: Date) {
        state.withLock { $0.sessions[tokenHash] = (secretHash, expires, ContinuousClock.now) }
    }

    public func forget(session tokenHash: String) {
        state.withLock { _ = $0.sessions.removeValue(forKey: tokenHash) }
    }

    // MARK: Freshness

    /// Reads the keys again now, after this process changed them.
    public func reload() async throws {
        let (version, keys) = try await store.keyHashes()
        let byHash = Dictionary(keys.map { ($0.hash, $0.key) }, uniquingKeysWith: { first, _ in first })
        state.withLock { state in
            state.version = version
            state.keys = byHash
            state.checked = .now
            // A revoked key's sessions end with it: those of secrets no longer active are dropped.
            state.sessions = state.sessions.filter { _, session in
                byHash[session.secretHash].map { !$0.isRevoked } ?? (session.secretHash == apiTokenHash)
            }
        }
    }

    private func refreshIfStale() async throws {
        let now = ContinuousClock.now
        let (loaded, due) = state.withLock { state -> (Bool, Bool) in
            let loaded = state.version >= 0
            if loaded, let checked = state.checked, now - checked < Self.freshness { return (true, false) }
            // One request a second checks; the others go on with what is known meanwhile.
            state.checked = now
            return (loaded, true)
        }
        // Until the keys were read once, nothing is known: every request waits for them.
        guard loaded else { return try await reload() }
        if due, try await store.keysVersion() != state.withLock({ $0.version }) { try await reload() }
    }
}
