import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// What `/ui/sync` shows: every apply of `cronicle-sync`, newest first, with the
/// repository, ref and commit it applied, what it changed, and why a failed one failed.
struct SyncHistoryPage {
    static let perPage = 50

    let context: [String: Any]

    init(history: Page<SyncRecord>) {
        var context: [String: Any] = [
            "title": "Sync",
            "records": history.items.map { record -> [String: Any] in
                var row: [String: Any] = [
                    "id": Int(record.id), "appliedAt": DashboardFormat.time(record.appliedAt),
                    "result": record.result.rawValue, "applied": record.result == .applied,
                    "created": record.created, "updated": record.updated, "deleted": record.deleted,
                    "unchanged": record.unchanged,
                ]
                if let repository = record.source.repository { row["repository"] = repository }
                row["identity"] = record.source.identity
                row["dirty"] = record.source.dirty
                if let ref = record.source.ref { row["ref"] = ref }
                if let path = record.source.path { row["path"] = path }
                if let commit = record.source.commit {
                    row["commit"] = commit
                    row["shortCommit"] = SyncSource.shortCommit(commit)
                }
                if let error = record.error { row["error"] = error }
                return row
            },
        ]
        context["pager"] = DashboardFormat.pager(
            page: history.page.page, perPage: history.page.perPage, total: history.total, noun: "applies"
        ) { DashboardFormat.href("/ui/sync", [("page", $0 > 1 ? String($0) : nil)]) }
        self.context = context
    }
}
