import Foundation
import MonitorDomain

extension MonitorStore {
    /// A page of alerts, newest first, filtered.
    public func alerts(_ query: AlertQuery) async throws -> Page<JobAlert> {
        try await read { session in
            var filter = SQLFilter()
            if let jobID = query.jobID { filter.add("job_id = ?", .text(jobID)) }
            if let kind = query.kind { filter.add("type = ?", .text(kind.rawValue)) }
            if let acknowledged = query.acknowledged {
                filter.add(acknowledged ? "acknowledged_at IS NOT NULL" : "acknowledged_at IS NULL")
            }
            if let resolved = query.resolved {
                filter.add(resolved ? "resolved_at IS NOT NULL" : "resolved_at IS NULL")
            }
            return try Self.fetchPage(
                session, table: "job_alerts", filter: filter, page: query.page, decode: Self.alert)
        }
    }

    /// Acknowledges an alert, which silences it; it still resolves by itself.
    public func acknowledgeAlert(_ id: Int64, by author: ChangeAuthor) async throws -> JobAlert {
        let now = clock.now
        let (alert, changed) = try await write { session in
            let changed =
                try session.execute(
                    "UPDATE job_alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                    [.date(now), .integer(id)]) > 0
            guard let row = try session.fetchOne("SELECT * FROM job_alerts WHERE id = ?", [.integer(id)]) else {
                throw MonitorError(.notFound, "alert \(id) does not exist")
            }
            let alert = try Self.alert(from: row)
            if changed {
                try Self.enqueueDeliveries(session, [AlertChange(alert, .acknowledged)], at: now)
                var before = alert
                before.acknowledgedAt = nil
                try Self.recordAudit(
                    session,
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
        try await read { session in
            var filter = SQLFilter()
            if let jobID { filter.add("job_id = ?", .text(jobID)) }
            if let kind { filter.add("type = ?", .text(kind.rawValue)) }
            let row = try session.fetchOne(
                """
                SELECT COUNT(CASE WHEN resolved_at IS NULL AND acknowledged_at IS NULL THEN 1 END),
                    COUNT(CASE WHEN resolved_at IS NULL AND acknowledged_at IS NOT NULL THEN 1 END),
                    COUNT(resolved_at)
                FROM job_alerts
                """ + filter.clause, filter.arguments)
            guard let row else { return AlertCounts() }
            return AlertCounts(open: try row.int(0), acknowledged: try row.int(1), resolved: try row.int(2))
        }
    }
}
