import Foundation
import Hummingbird
import MonitorDomain

extension MonitorAPI {
    /// Keys (`admin`) and the audit log (`read`), DESIGN 13.
    func addAccessRoutes(reads: RouterGroup<CronicleRequestContext>, admin: RouterGroup<CronicleRequestContext>) {
        admin.get("/keys") { _, _ in
            json(ListRepresentation(key: "keys", items: try await store.keys().map { KeyRepresentation($0) }))
        }
        admin.post("/keys") { request, context in
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: true)
            try RequestParsing.rejectUnknownKeys(body, allowed: ["name", "scope", "jobs", "tags"])
            guard let name = try RequestParsing.string(body, "name") else {
                throw RequestParsing.invalid("name", "is required: the key's name, such as ci-deploy")
            }
            guard let scopeText = try RequestParsing.string(body, "scope") else {
                throw RequestParsing.invalid("scope", "is required: read, ping, write, sync or admin")
            }
            let (key, secret) = try await store.createKey(
                name: name, scope: try AccessScope.parse(scopeText),
                jobs: try RequestParsing.strings(body, "jobs", each: "job glob") ?? [],
                tags: try RequestParsing.strings(body, "tags", each: "tag") ?? [], by: author(context))
            try await access.keyRing.reload()
            return json(KeyRepresentation(key, secret: secret), status: .created)
        }
        admin.delete("/keys/:name") { _, context in
            let raw = try context.parameters.require("name")
            let key = try await store.revokeKey(raw.removingPercentEncoding ?? raw, by: author(context))
            try await access.keyRing.reload()
            return json(KeyRepresentation(key))
        }
        reads.get("/audit") { request, _ in
            let query = try RequestParsing.Query(
                request, allowed: ["page", "per_page", "job_id", "actor", "kind", "since", "until"])
            let page = try await store.audit(
                AuditQuery(
                    jobID: query["job_id"], actor: query["actor"], kind: try query.choice("kind", AuditEntry.Kind.self),
                    since: try query.date("since"), until: try query.date("until"), page: try query.page()))
            return json(
                PageRepresentation(
                    key: "audit", items: page.items.map(AuditRepresentation.init), page: page.page, total: page.total))
        }
    }
}
