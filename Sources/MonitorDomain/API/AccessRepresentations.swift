import Foundation

/// A key as `GET /keys` shows it: never its secret or the secret's hash.
package struct KeyRepresentation: JSONRepresentable {
    package let key: APIKey
    /// Only in the answer to `POST /keys`, the one time it is shown.
    package let secret: String?

    package init(_ key: APIKey, secret: String? = nil) {
        self.key = key
        self.secret = secret
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("name", key.name)
            json.field("scope", key.scope.rawValue)
            json.field("jobs") { json in json.array(key.jobs) { json, glob in json.string(glob) } }
            json.field("tags") { json in json.array(key.tags) { json, tag in json.string(tag) } }
            json.field("hint", key.hint)
            json.field("created_at", Timestamp.string(from: key.createdAt))
            json.field("created_by", key.createdBy)
            json.field("revoked", key.isRevoked)
            json.field("revoked_at", key.revokedAt.map(Timestamp.string))
            json.field("revoked_by", key.revokedBy)
            if let secret { json.field("secret", secret) }
        }
    }
}

/// One entry of `GET /audit`.
package struct AuditRepresentation: JSONRepresentable {
    package let entry: AuditEntry

    package init(_ entry: AuditEntry) {
        self.entry = entry
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", Int(entry.id))
            json.field("at", Timestamp.string(from: entry.at))
            json.field("actor", entry.actor)
            json.field("via", entry.via.rawValue)
            json.field("kind", entry.kind.rawValue)
            json.field("target", entry.target)
            json.field("job_id", entry.jobID)
            json.field("commit", entry.commit)
            json.field("before") { json in json.value(entry.before) }
            json.field("after") { json in json.value(entry.after) }
        }
    }
}

/// `GET /jobs/{id}/stats`: `{"job_id": ..., "windows": [{"days": 7, ...}, {"days": 30, ...}]}`.
package struct StatsRepresentation: JSONRepresentable {
    package let jobID: String
    package let stats: [JobStats]

    package init(jobID: String, stats: [JobStats]) {
        self.jobID = jobID
        self.stats = stats
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("job_id", jobID)
            json.field("windows") { json in
                json.array(stats) { json, window in
                    json.object { json in
                        json.field("days", window.days)
                        json.field("runs", window.runs)
                        json.field("succeeded", window.succeeded)
                        json.field("failed", window.failed)
                        json.field("success_rate", window.successRate)
                        json.field("expected", window.expected)
                        json.field("missed", window.missed)
                        json.field("on_time_rate", window.onTimeRate)
                        json.field("duration_p50_seconds", window.durationP50)
                        json.field("duration_p95_seconds", window.durationP95)
                    }
                }
            }
        }
    }
}

/// `GET /health`: whether this monitor can do its work, for a load balancer or an
/// orchestrator, without a key: `{"status": "ok", "checks": {"engine": {...}, "database": {...}}}`.
package struct HealthRepresentation: JSONRepresentable {
    /// One check: `ok` or not, and in words why not.
    package struct Check: Sendable {
        package var ok: Bool
        package var detail: String?

        package init(ok: Bool, detail: String? = nil) {
            self.ok = ok
            self.detail = detail
        }
    }

    package let engine: Check
    package let lastEvaluation: Date?
    package let database: Check

    package init(engine: Check, lastEvaluation: Date?, database: Check) {
        self.engine = engine
        self.lastEvaluation = lastEvaluation
        self.database = database
    }

    package var isHealthy: Bool { engine.ok && database.ok }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("status", isHealthy ? "ok" : "unhealthy")
            json.field("checks") { json in
                json.object { json in
                    json.field("engine") { json in
                        json.object { json in
                            json.field("status", engine.ok ? "ok" : "failing")
                            json.field("last_evaluation", lastEvaluation.map { Timestamp.string(from: $0) })
                            json.field("detail", engine.detail)
                        }
                    }
                    json.field("database") { json in
                        json.object { json in
                            json.field("status", database.ok ? "ok" : "failing")
                            json.field("detail", database.detail)
                        }
                    }
                }
            }
        }
    }
}
