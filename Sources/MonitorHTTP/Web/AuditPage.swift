import Foundation
import MonitorDomain
import NIOCore

/// What `/ui/audit` shows: every recorded change, newest first, with who made it and
/// how, what it changed, and the values before and after; filtered by job, actor, kind.
struct AuditPage {
    static let perPage = 50

    let context: [String: Any]

    init(entries: Page<AuditEntry>, jobID: String?, actor: String?, kind: AuditEntry.Kind?) {
        var context: [String: Any] = [
            "title": "Audit",
            "entries": entries.items.map { entry -> [String: Any] in
                var row: [String: Any] = [
                    "id": Int(entry.id), "at": DashboardFormat.time(entry.at), "actor": entry.actor,
                    "via": entry.via.rawValue, "kind": entry.kind.rawValue, "target": entry.target,
                    "changes": Self.changes(before: entry.before, after: entry.after),
                ]
                if let jobID = entry.jobID { row["jobID"] = jobID }
                if let commit = entry.commit {
                    row["commit"] = commit
                    row["shortCommit"] = SyncSource.shortCommit(commit)
                }
                return row
            },
            "kinds": AuditEntry.Kind.allCases.map { ["name": $0.rawValue, "selected": $0 == kind] },
        ]
        if let jobID { context["jobID"] = jobID }
        if let actor { context["actor"] = actor }
        context["pager"] = DashboardFormat.pager(
            page: entries.page.page, perPage: entries.page.perPage, total: entries.total, noun: "changes"
        ) {
            DashboardFormat.href(
                "/ui/audit",
                [("job_id", jobID), ("actor", actor), ("kind", kind?.rawValue), ("page", $0 > 1 ? String($0) : nil)])
        }
        self.context = context
    }

    /// The fields whose values differ, `field: old → new`, sorted by field.
    static func changes(before: JSONValue?, after: JSONValue?) -> [[String: String]] {
        func fields(_ value: JSONValue?) -> [String: JSONValue] {
            guard case .object(let fields)? = value else { return [:] }
            return fields
        }
        let old = fields(before)
        let new = fields(after)
        return Set(old.keys).union(new.keys).sorted().compactMap { field -> [String: String]? in
            let was = old[field] ?? .null
            let now = new[field] ?? .null
            guard was != now, field != "updated_at" else { return nil }
            return ["field": field, "old": Self.text(was), "new": Self.text(now)]
        }
    }

    private static func text(_ value: JSONValue) -> String {
        var json = JSONWriter()
        json.value(value)
        let text = String(buffer: json.buffer)
        return text.count > 120 ? String(text.prefix(119)) + "…" : text
    }
}
