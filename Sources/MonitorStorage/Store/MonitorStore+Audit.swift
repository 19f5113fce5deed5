import Foundation
import MonitorDomain

extension MonitorStore {
    /// A page of the audit log, newest first.
    public func audit(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        try await read { session in
            var filter = SQLFilter()
            if let jobID = query.jobID { filter.add("job_id = ?", .text(jobID)) }
            if let actor = query.actor { filter.add("actor = ?", .text(actor)) }
            if let kind = query.kind { filter.add("kind = ?", .text(kind.rawValue)) }
            if let since = query.since { filter.add("at >= ?", .date(since)) }
            if let until = query.until { filter.add("at < ?", .date(until)) }
            return try Self.fetchPage(
                session, table: "audit_log", filter: filter, page: query.page, decode: Self.auditEntry)
        }
    }

    /// Writes one entry, inside the transaction of the change it records.
    static func recordAudit(_ session: any SQLSession, _ entry: AuditEntry) throws {
        try session.execute(
            """
            INSERT INTO audit_log (at, actor, via, kind, target, job_id, commit_id, before, after)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .date(entry.at), .text(entry.actor), .text(entry.via.rawValue), .text(entry.kind.rawValue),
                .text(entry.target), .text(entry.jobID), .text(entry.commit),
                .text(entry.before.map(encodeCompactJSON)), .text(entry.after.map(encodeCompactJSON)),
            ])
    }

    /// Records a change to one job, with its values before and after.
    static func recordAudit(
        _ session: any SQLSession, _ author: ChangeAuthor, _ kind: AuditEntry.Kind, job jobID: String, before: Job?,
        after: Job?, at now: Date
    ) throws {
        try recordAudit(
            session,
            AuditEntry(
                at: now, actor: author.name, via: author.via, kind: kind, target: jobID, jobID: jobID,
                before: jobValues(before), after: jobValues(after)))
    }

    /// Records an apply: one entry for the apply as a whole (source, commit, counts), and one
    /// for each job, channel and window it created, updated or deleted, with the fields
    /// that changed before and after. `replaced` are the jobs as they were before it.
    static func recordAudit(
        _ session: any SQLSession, _ plan: SyncPlan, record: SyncRecord, replaced: [Job], at now: Date
    ) throws {
        guard plan.hasChanges else { return }
        let source = record.source
        func entry(
            _ kind: AuditEntry.Kind, _ target: String, job: String? = nil, before: JSONValue?, after: JSONValue?
        ) throws {
            try recordAudit(
                session,
                AuditEntry(
                    at: now, actor: source.identity, via: .sync, kind: kind, target: target, jobID: job,
                    commit: source.commit, before: before, after: after))
        }
        func values(_ changes: [SyncPlan.Change], _ side: KeyPath<SyncPlan.Change, JSONValue>) -> JSONValue {
            .object(Dictionary(changes.map { ($0.field, $0[keyPath: side]) }, uniquingKeysWith: { _, last in last }))
        }
        func counts<Kind>(_ documents: DocumentPlan<Kind>) -> JSONValue {
            [
                "created": .number(JSONNumber(Double(documents.creates.count))),
                "updated": .number(JSONNumber(Double(documents.updates.count))),
                "deleted": .number(JSONNumber(Double(documents.deletes.count))),
            ]
        }
        try entry(
            .syncApplied, source.identity, before: nil,
            after: [
                "sync_id": .number(JSONNumber(Double(record.id))),
                "ref": source.ref.map(JSONValue.string) ?? .null, "path": source.path.map(JSONValue.string) ?? .null,
                "dirty": .bool(source.dirty), "jobs_created": .number(JSONNumber(Double(plan.creates.count))),
                "jobs_updated": .number(JSONNumber(Double(plan.updates.count))),
                "jobs_deleted": .number(JSONNumber(Double(plan.deletes.count))), "channels": counts(plan.channels),
                "windows": counts(plan.windows),
            ])
        for create in plan.creates {
            try entry(.jobCreated, create.jobID, job: create.jobID, before: nil, after: values(create.fields, \.new))
        }
        for update in plan.updates {
            try entry(
                .jobUpdated, update.jobID, job: update.jobID, before: values(update.changes, \.old),
                after: values(update.changes, \.new))
        }
        let replacedByID = Dictionary(replaced.map { ($0.jobID, $0) }, uniquingKeysWith: { first, _ in first })
        for delete in plan.deletes {
            try entry(
                .jobDeleted, delete.jobID, job: delete.jobID, before: jobValues(replacedByID[delete.jobID]),
                after: nil)
        }
        func entries<Kind>(
            _ documents: DocumentPlan<Kind>, _ created: AuditEntry.Kind, _ updated: AuditEntry.Kind,
            _ deleted: AuditEntry.Kind
        ) throws {
            for create in documents.creates {
                try entry(created, create.name, before: nil, after: values(create.changes, \.new))
            }
            for update in documents.updates {
                try entry(
                    updated, update.name, before: values(update.changes, \.old), after: values(update.changes, \.new))
            }
            for delete in documents.deletes {
                try entry(deleted, delete.name, before: values(delete.changes, \.old), after: nil)
            }
        }
        try entries(plan.channels, .channelCreated, .channelUpdated, .channelDeleted)
        try entries(plan.windows, .windowCreated, .windowUpdated, .windowDeleted)
    }

    /// A job's values as `GET /jobs/{id}` shows them, for the entry's before and after.
    static func jobValues(_ job: Job?) -> JSONValue? {
        guard let job else { return nil }
        var json = JSONWriter()
        JobRepresentation(job).write(to: &json)
        return try? JSONValue(parsing: json.bytes)
    }

    /// An alert's values as `GET /alerts` shows them.
    static func alertValues(_ alert: JobAlert) -> JSONValue? {
        var json = JSONWriter()
        AlertRepresentation(alert: alert).write(to: &json)
        return try? JSONValue(parsing: json.bytes)
    }

    static func auditEntry(from row: SQLRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.int64("id"), at: try row.date("at"), actor: try row.text("actor"),
            via: ChangeAuthor.Via(rawValue: try row.text("via")) ?? .api,
            kind: AuditEntry.Kind(rawValue: try row.text("kind")) ?? .jobUpdated, target: try row.text("target"),
            jobID: try row.optionalText("job_id"), commit: try row.optionalText("commit_id"),
            before: try decodeCompactJSON(try row.optionalText("before"), column: "an audit entry's before"),
            after: try decodeCompactJSON(try row.optionalText("after"), column: "an audit entry's after"))
    }
}
