import Foundation
import GRDB
import MonitorDomain

extension MonitorStore {
    /// A page of alerts, newest first, filtered.
    public func alerts(_ query: AlertQuery) async throws -> Page<JobAlert> {
        try await read { db in
            var filter = SQLFilter()
            if let jobID = query.jobID { filter.add("job_id = ?", jobID) }
            if let kind = query.kind { filter.add("type = ?", kind.rawValue) }
            if let acknowledged = query.acknowledged {
                filter.add(acknowledged ? "acknowledged_at IS NOT NULL" : "acknowledged_at IS NULL")
            }
            if let resolved = query.resolved {
                filter.add(resolved ? "resolved_at IS NOT NULL" : "resolved_at IS NULL")
            }
            return try Self.fetchPage(db, table: "job_alerts", filter: filter, page: query.page, decode: Self.alert)
        }
    }

    /// Acknowledges an alert, which silences it; it still resolves by itself.
    public func acknowledgeAlert(_ id: Int64, by author: ChangeAuthor) async throws -> JobAlert {
        let now = clock.now
        let (alert, changed) = try await write { db in
            try db.execute(
                sql: "UPDATE job_alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                arguments: [now, id])
            let changed = db.changesCount > 0
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job_alerts WHERE id = ?", arguments: [id]) else {
                throw MonitorError(.notFound, "alert \(id) does not exist")
            }
            let alert = Self.alert(from: row)
            if changed {
                try Self.enqueueDeliveries(db, [AlertChange(alert, .acknowledged)], at: now)
                var before = alert
                before.acknowledgedAt = nil
                try Self.recordAudit(
                    db,
                    AuditEntry(
                        at: now, actor: author.name, via: author.via, kind: .alertAcknowledged, target: "\(id)",
                        jobID: alert.jobID, before: Self.alertValues(before), after: Self.alertValues(alert)))
            }
            return (alert, changed)
        }
        if changed { events.publish(alerts: [AlertChange(alert, .acknowledged)]) }
        return alert
    }
}

extension MonitorStore {
    /// Alerts by state, optionally of one job or one type.
    public func alertCounts(jobID: String? = nil, kind: JobAlert.Kind? = nil) async throws -> AlertCounts {
        try await read { db in
            var filter = SQLFilter()
            if let jobID { filter.add("job_id = ?", jobID) }
            if let kind { filter.add("type = ?", kind.rawValue) }
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT TOTAL(resolved_at IS NULL AND acknowledged_at IS NULL),
                        TOTAL(resolved_at IS NULL AND acknowledged_at IS NOT NULL), TOTAL(resolved_at IS NOT NULL)
                    FROM job_alerts
                    """ + filter.clause, arguments: filter.arguments)
            guard let row else { return AlertCounts() }
            return AlertCounts(
                open: Int(row[0] as Double), acknowledged: Int(row[1] as Double), resolved: Int(row[2] as Double))
        }
    }
}
