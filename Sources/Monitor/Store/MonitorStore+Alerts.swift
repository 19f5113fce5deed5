import Foundation
import GRDB

/// Filters of `GET /alerts`.
public struct AlertQuery: Sendable {
    public var jobID: String?
    public var kind: JobAlert.Kind?
    public var acknowledged: Bool?
    public var resolved: Bool?
    public var page = PageRequest()

    public init(
        jobID: String? = nil, kind: JobAlert.Kind? = nil, acknowledged: Bool? = nil, resolved: Bool? = nil,
        page: PageRequest = PageRequest()
    ) {
        self.jobID = jobID
        self.kind = kind
        self.acknowledged = acknowledged
        self.resolved = resolved
        self.page = page
    }
}

extension MonitorStore {
    /// A page of alerts, newest first, filtered.
    public func alerts(_ query: AlertQuery) async throws -> Page<JobAlert> {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let jobID = query.jobID {
                conditions.append("job_id = ?")
                arguments += [jobID]
            }
            if let kind = query.kind {
                conditions.append("type = ?")
                arguments += [kind.rawValue]
            }
            if let acknowledged = query.acknowledged {
                conditions.append(acknowledged ? "acknowledged_at IS NOT NULL" : "acknowledged_at IS NULL")
            }
            if let resolved = query.resolved {
                conditions.append(resolved ? "resolved_at IS NOT NULL" : "resolved_at IS NULL")
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_alerts" + filter, arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM job_alerts" + filter + " ORDER BY id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [query.page.perPage, query.page.offset])
            return Page(items: rows.map(Self.alert), page: query.page, total: total)
        }
    }

    /// The job's alerts that have not resolved, oldest first.
    public func openAlerts(jobID: String) async throws -> [JobAlert] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM job_alerts WHERE job_id = ? AND resolved_at IS NULL ORDER BY id",
                arguments: [jobID]
            ).map(Self.alert)
        }
    }

    /// Acknowledges an alert, which silences it; it still resolves by itself.
    public func acknowledgeAlert(_ id: Int64) async throws -> JobAlert {
        let now = clock.now
        return try await write { db in
            try db.execute(
                sql: "UPDATE job_alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                arguments: [now, id])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job_alerts WHERE id = ?", arguments: [id]) else {
                throw MonitorError(.notFound, "alert \(id) does not exist")
            }
            return Self.alert(from: row)
        }
    }
}
