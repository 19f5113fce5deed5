import Config
import CronicleTestSupport
import Foundation
import GRDB
import Hummingbird
import MonitorDomain
import MonitorTestSupport
import Testing

@testable import MonitorEngine
@testable import MonitorHTTP
@testable import MonitorStorage

/// Keys with scopes (DESIGN 13): every route against every scope, ping keys limited to
/// jobs, revocation, bad input, sign-in sessions, and the audit log each change writes.
@Suite struct KeyAccessTests {
    /// What each route needs once a key exists; nil for the open ones. A route missing
    /// here fails the first test, so a new route must say what it needs.
    static let requirements: [String: AccessScope?] = [
        "GET /jobs": .read, "POST /jobs": .write, "GET /jobs/{job_id}": .read, "DELETE /jobs/{job_id}": .write,
        "GET /jobs/{job_id}/status": .read, "GET /jobs/{job_id}/stats": .read, "GET /metrics": .read,
        "POST /jobs/{job_id}/pause": .write,
        "POST /jobs/{job_id}/resume": .write,
        "POST /jobs/{job_id}/snooze": .write, "DELETE /jobs/{job_id}/snooze": .write,
        "POST /jobs/{job_id}/start": .ping, "POST /jobs/{job_id}/end": .ping, "POST /jobs/{job_id}/fail": .ping,
        "GET /job_runs": .read, "GET /job_runs/{run_id}": .read, "GET /job_runs/{run_id}/output": .read,
        "GET /alerts": .read, "POST /alerts/{alert_id}/acknowledge": .write, "GET /channels": .read,
        "GET /windows": .read, "POST /channels/{channel}/test": .write, "GET /notifications": .read,
        "POST /sync/plan": .read, "POST /sync/apply": .sync, "GET /sync/history": .read, "GET /keys": .admin,
        "POST /keys": .admin, "DELETE /keys/{name}": .admin, "GET /audit": .read, "GET /openapi.json": .read,
        "GET /": .read, "GET /ui/jobs/{job_id}": .read, "GET /ui/alerts": .read, "GET /ui/notifications": .read,
        "GET /ui/sync": .read, "GET /ui/audit": .read, "GET /events": .read, "GET /static/{file}": nil,
        "GET /login": nil, "POST /login": nil, "POST /logout": nil, "GET /badges": .read,
        "GET /badges/job/{signature}/{file}": nil, "GET /badges/tag/{signature}/{file}": nil, "GET /health": nil,
    ]

    /// A value for each path parameter: a job the ping key covers, and ids that need not exist.
    static let parameters = [
        "job_id": "billing_nightly", "run_id": "nosuchrun", "alert_id": "999", "channel": "nosuch",
        "name": "nosuch", "file": "app.css", "signature": "nosuch",
    ]

    /// Makes one key of each scope (the ping key for `billing_*`), with the admin token beside them.
    static func keys(_ store: MonitorStore) async throws -> [AccessScope: String] {
        var keys: [AccessScope: String] = [:]
        for scope in AccessScope.allCases {
            keys[scope] = try await store.createKey(
                name: "\(scope.rawValue)-key", scope: scope, jobs: scope == .ping ? ["billing_*"] : [], tags: [],
                by: .test
            ).secret
        }
        return keys
    }

    static func bearer(_ key: String) -> [String: String] { ["Authorization": "Bearer \(key)"] }

    @Test func everyRouteAgainstEveryScope() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "admin-token"
        let routes = try await ServedRoutes.all(configuration: configuration).filter {
            $0.method != "HEAD" && !$0.path.hasPrefix("/ping")
        }.map { (method: $0.method, template: $0.path) }
        try await LiveMonitor.with(configuration: configuration) { monitor in
            let keys = try await Self.keys(monitor.store)
            let credentials: [(name: String, scope: AccessScope, secret: String)] =
                AccessScope.allCases.map { ($0.rawValue, $0, keys[$0]!) } + [("api token", .admin, "admin-token")]
            for route in routes {
                let described = "\(route.method) \(route.template)"
                guard let needed = Self.requirements[described] else {
                    Issue.record("\(described) is not in the table of what each route needs")
                    continue
                }
                var path = route.template
                for (name, value) in Self.parameters { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                let body: JSONValue? = route.method == "GET" ? nil : [:]
                guard let needed else {
                    // The sign-in forms answer a wrong key themselves: signInOpensAStrictSession... tries them.
                    if route.template == "/login" && route.method == "POST" || route.template == "/logout" { continue }
                    let answer = try await monitor.request(route.method, path, json: body)
                    #expect(answer.status != 401, "\(described) is open, but answered 401: \(answer.text.prefix(300))")
                    continue
                }
                // The job each request may change or delete, made again before each request.
                let anonymous = try await monitor.request(route.method, path, json: body)
                if route.template == "/" || route.template.hasPrefix("/ui/") {
                    #expect(
                        anonymous.status == 303 && anonymous.headers["location"]?.hasPrefix("/login?next=%2F") == true
                            || anonymous.text.contains("id=\"login-form\""),
                        "\(described) without a key: not sent to sign in (\(anonymous.status) \(anonymous.headers) \(anonymous.text.prefix(300)))"
                    )
                } else {
                    #expect(anonymous.status == 401, "\(described) without a key answered \(anonymous.status)")
                    #expect(anonymous.errorMessage?.contains("the \(needed.rawValue) scope") == true)
                }
                for credential in credentials {
                    _ = try await monitor.store.saveJob(JobDefinition(jobID: "billing_nightly", schedule: "@daily"))
                    let allowed =
                        needed == .read && credential.scope == .sync ? true : credential.scope.grants(needed)
                    // The event stream never ends: only its refusals are asked for.
                    if route.template == "/events" && allowed { continue }
                    let answer = try await monitor.request(
                        route.method, path, json: body, headers: Self.bearer(credential.secret))
                    if allowed {
                        #expect(
                            answer.status != 401 && answer.status != 403,
                            "\(described) with the \(credential.name) key answered \(answer.status): \(answer.text)")
                    } else {
                        #expect(answer.status == 403, "\(described) with the \(credential.name) key: \(answer.status)")
                        #expect(
                            answer.errorMessage?.contains("needs \(needed.rawValue)") == true,
                            "\(described): \(answer.errorMessage ?? answer.text)")
                    }
                }
            }
            // Pings through a job's secret ping URL need no key.
            let job = try await monitor.request("GET", "/jobs/billing_nightly", headers: Self.bearer(keys[.read]!))
            let uuid = try #require(job.object()["ping_uuid"] as? String)
            #expect(try await monitor.request("GET", "/ping/\(uuid)/start").status == 200)
        }
    }

    @Test func aPingKeyForSomeJobsIsRefusedForOthers() async throws {
        try await LiveMonitor.with { monitor in
            for (job, tags) in [("billing_nightly", []), ("reports", ["finance"]), ("other", ["ops"])] {
                _ = try await monitor.store.saveJob(JobDefinition(jobID: job, schedule: "@daily", tags: tags))
            }
            let byGlob = try await monitor.store.createKey(
                name: "billing", scope: .ping, jobs: ["billing_*"], tags: [], by: .test
            ).secret
            let byTag = try await monitor.store.createKey(
                name: "finance", scope: .ping, jobs: [], tags: ["finance"], by: .test
            ).secret
            let refused = try await monitor.request("POST", "/jobs/other/start", headers: Self.bearer(byGlob))
            #expect(refused.status == 403)
            #expect(
                refused.errorMessage
                    == "the key 'billing' may ping jobs billing_* only, and job 'other' is not among them")
            #expect(
                try await monitor.request("POST", "/jobs/billing_nightly/start", headers: Self.bearer(byGlob)).status
                    == 201)
            #expect(try await monitor.request("POST", "/jobs/reports/end", headers: Self.bearer(byTag)).status == 200)
            #expect(try await monitor.request("POST", "/jobs/other/end", headers: Self.bearer(byTag)).status == 403)
            // The slug form takes the ping key in the path, with the same limits.
            #expect(try await monitor.request("GET", "/ping/\(byGlob)/billing_nightly").status == 200)
            let slugRefused = try await monitor.request("GET", "/ping/\(byGlob)/other/fail")
            #expect(slugRefused.status == 403)
            #expect(slugRefused.text.contains("may ping jobs billing_* only"))
            // A key of another scope is no ping key in a URL, where it would end up in logs.
            let write = try await monitor.store.createKey(name: "w", scope: .write, jobs: [], tags: [], by: .test)
                .secret
            #expect(try await monitor.request("GET", "/ping/\(write)/other").status == 404)
            // Nothing was recorded for the refused pings.
            let runs = try await monitor.request("GET", "/job_runs?job_id=other", headers: Self.bearer(write))
            #expect(try runs.object()["total"] as? Int == 0, "\(runs.status) \(runs.text)")
            // A ping key reads nothing.
            #expect(try await monitor.request("GET", "/jobs", headers: Self.bearer(byGlob)).status == 403)
        }
    }

    @Test func revocationIsEffectiveAtOnceAndFromAnotherProcessWithinASecond() async throws {
        try await LiveMonitor.with { monitor in
            let admin = try await monitor.store.createKey(name: "root", scope: .admin, jobs: [], tags: [], by: .test)
                .secret
            let reader = try await monitor.store.createKey(name: "grafana", scope: .read, jobs: [], tags: [], by: .test)
                .secret
            let other = try await monitor.store.createKey(name: "ci", scope: .read, jobs: [], tags: [], by: .test)
                .secret
            #expect(try await monitor.request("GET", "/jobs", headers: Self.bearer(reader)).status == 200)
            let revoked = try await monitor.request("DELETE", "/keys/grafana", headers: Self.bearer(admin))
            #expect(revoked.status == 200)
            #expect(try revoked.object()["revoked"] as? Bool == true)
            let refused = try await monitor.request("GET", "/jobs", headers: Self.bearer(reader))
            #expect(refused.status == 401)
            #expect(refused.errorMessage == "the key 'grafana' was revoked; make a new one with `cronicle keys create`")

            // Another process (`cronicle keys revoke --db`) writes the same database.
            let elsewhere = try await monitor.anotherStore()
            _ = try await elsewhere.revokeKey("ci", by: ChangeAuthor("someone (cli)", via: .cli))
            try elsewhere.close()
            var status = 200
            let deadline = ContinuousClock.now + .seconds(5)
            while status == 200 && ContinuousClock.now < deadline {
                status = try await monitor.request("GET", "/jobs", headers: Self.bearer(other)).status
                if status == 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == 401, "a key revoked by another process was still taken after 5 seconds")
        }
    }

    @Test func badInputIsRefusedInWordsAndChangesNothing() async throws {
        try await LiveMonitor.with { monitor in
            let admin = try await monitor.store.createKey(name: "root", scope: .admin, jobs: [], tags: [], by: .test)
                .secret
            let auth = Self.bearer(admin)
            let unknownScope = try await monitor.request(
                "POST", "/keys", json: ["name": "x", "scope": "superuser"], headers: auth)
            #expect(unknownScope.status == 400)
            #expect(unknownScope.errorMessage?.hasPrefix("'superuser' is not a scope; write one of read, ping") == true)
            let duplicate = try await monitor.request(
                "POST", "/keys", json: ["name": "root", "scope": "read"], headers: auth)
            #expect(duplicate.status == 409)
            #expect(duplicate.errorMessage?.contains("a key named 'root' already exists") == true)
            let limitedWrite = try await monitor.request(
                "POST", "/keys", json: ["name": "w", "scope": "write", "jobs": ["a*"]], headers: auth)
            #expect(limitedWrite.status == 400)
            #expect(limitedWrite.errorMessage?.contains("only a ping key is limited to jobs or tags") == true)
            let badName = try await monitor.request(
                "POST", "/keys", json: ["name": "-x y", "scope": "read"], headers: auth)
            #expect(badName.status == 400)
            #expect(badName.errorMessage?.contains("is not a key name") == true)
            let garbage = try await monitor.request(
                "GET", "/jobs", headers: ["Authorization": "Bearer crk_not-a-key"])
            #expect(garbage.status == 401)
            #expect(garbage.errorMessage?.contains("is not one of this monitor's keys") == true)
            let notBearer = try await monitor.request("GET", "/jobs", headers: ["Authorization": "Basic abc"])
            #expect(notBearer.status == 401)
            // Only the first key exists, and only its creation is in the audit log.
            let keys = try await monitor.request("GET", "/keys", headers: auth).object()["keys"] as? [[String: Any]]
            #expect(keys?.compactMap { $0["name"] as? String } == ["root"])
            #expect(keys?.first?["secret"] == nil, "a list never shows a secret")
            let audit = try await monitor.request("GET", "/audit", headers: auth).object()
            #expect(audit["total"] as? Int == 1)
            // Nothing stored is the secret itself.
            let stored = try await monitor.store.read { session in
                try session.fetchAll("SELECT secret_hash FROM api_keys").map { try $0.text(0) }
            }
            #expect(stored == [KeySecret.hash(admin)])
            #expect(!stored.contains(admin))
        }
    }

    @Test func signInOpensAStrictSessionAndSignOutEndsIt() async throws {
        try await LiveMonitor.with { monitor in
            let writer = try await monitor.store.createKey(name: "ops", scope: .write, jobs: [], tags: [], by: .test)
                .secret
            let pinger = try await monitor.store.createKey(name: "p", scope: .ping, jobs: [], tags: [], by: .test)
                .secret
            _ = try await monitor.store.saveJob(JobDefinition(jobID: "etl", schedule: "@daily"))
            let client = RawHTTPClient(port: monitor.port)
            let refused = try await client.post("/login", form: "key=\(pinger)&next=%2F")
            #expect(refused.status == 403)
            #expect(refused.body.contains("has the ping scope, which records runs only"))
            let garbled = try await client.post("/login", form: "key=%ZZ%FF&next=%E0%80")
            #expect(garbled.status == 401)
            let wrong = try await client.post("/login", form: "key=crk_wrong&next=%2F")
            #expect(wrong.status == 401)
            #expect(wrong.headers["set-cookie"] == nil)

            let signedIn = try await client.post("/login", form: "key=\(writer)&next=%2Fui%2Fjobs%2Fetl")
            #expect(signedIn.status == 303)
            #expect(signedIn.headers["location"] == "/ui/jobs/etl")
            let cookie = try #require(signedIn.headers["set-cookie"])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP on loopback")
            let session = String(cookie.prefix { $0 != ";" })
            // Another site is never where sign-in sends a browser back to.
            let offsite = try await client.post("/login", form: "key=\(writer)&next=%2F%2Fevil.example")
            #expect(offsite.headers["location"] == "/")

            // The session reads, and acts with the key's scope; the audit log says it came from the pages.
            #expect(try await monitor.request("GET", "/jobs", headers: ["Cookie": session]).status == 200)
            let paused = try await monitor.request(
                "POST", "/jobs/etl/pause", headers: ["Cookie": session, "Sec-Fetch-Site": "same-origin"])
            #expect(paused.status == 200)
            let audit = try await monitor.request("GET", "/audit?kind=job.paused", headers: ["Cookie": session])
            let entry = try #require((try audit.object()["audit"] as? [[String: Any]])?.first)
            #expect(entry["actor"] as? String == "ops")
            #expect(entry["via"] as? String == "ui")
            #expect((entry["before"] as? [String: Any])?["paused"] as? Bool == false)
            #expect((entry["after"] as? [String: Any])?["paused"] as? Bool == true)

            // It expires after 12 hours.
            monitor.clock.advance(by: 12 * 3600 + 1)
            #expect(try await monitor.request("GET", "/jobs", headers: ["Cookie": session]).status == 401)

            // Signing out ends a session at once.
            let again = try await client.post("/login", form: "key=\(writer)&next=%2F")
            let second = String(try #require(again.headers["set-cookie"]).prefix { $0 != ";" })
            #expect(try await monitor.request("GET", "/jobs", headers: ["Cookie": second]).status == 200)
            let out = try await client.post("/logout", form: "", cookie: second)
            #expect(out.status == 303)
            #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
            #expect(try await monitor.request("GET", "/jobs", headers: ["Cookie": second]).status == 401)

            // Signed out through another node (several nodes share a PostgreSQL database):
            // it ends here too, within a second.
            let third = try await client.post("/login", form: "key=\(writer)&next=%2F")
            let token = String(try #require(third.headers["set-cookie"]).prefix { $0 != ";" })
            #expect(try await monitor.request("GET", "/jobs", headers: ["Cookie": token]).status == 200)
            let elsewhere = try await monitor.anotherStore()
            try await elsewhere.closeSession(tokenHash: KeySecret.hash(String(token.drop { $0 != "=" }.dropFirst())))
            try elsewhere.close()
            var status = 200
            let deadline = ContinuousClock.now + .seconds(5)
            while status == 200 && ContinuousClock.now < deadline {
                status = try await monitor.request("GET", "/jobs", headers: ["Cookie": token]).status
                if status == 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == 401, "a session closed by another node was still taken after 5 seconds")
        }
    }

    @Test func everyKindOfChangeIsAudited() async throws {
        try await LiveMonitor.with { monitor in
            let admin = try await monitor.store.createKey(name: "root", scope: .admin, jobs: [], tags: [], by: .test)
                .secret
            let auth = Self.bearer(admin)
            #expect(
                try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "etl", "schedule": "@daily"], headers: auth
                ).status == 201)
            #expect(
                try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "etl", "schedule": "@hourly"], headers: auth
                ).status == 200)
            #expect(
                try await monitor.request("POST", "/jobs/etl/pause", json: ["by": "alice"], headers: auth).status == 200
            )
            #expect(try await monitor.request("POST", "/jobs/etl/resume", headers: auth).status == 200)
            #expect(
                try await monitor.request("POST", "/jobs/etl/snooze", json: ["for": "2h"], headers: auth).status == 200)
            #expect(try await monitor.request("DELETE", "/jobs/etl/snooze", headers: auth).status == 200)
            #expect(try await monitor.request("POST", "/jobs/etl/fail", headers: auth).status == 200)
            let alert = try #require(
                (try await monitor.request("GET", "/alerts", headers: auth).object()["alerts"] as? [[String: Any]])?
                    .first?["id"] as? Int)
            #expect(try await monitor.request("POST", "/alerts/\(alert)/acknowledge", headers: auth).status == 200)
            #expect(try await monitor.request("DELETE", "/jobs/etl", headers: auth).status == 204)
            #expect(
                try await monitor.request("POST", "/keys", json: ["name": "ci", "scope": "sync"], headers: auth).status
                    == 201)
            #expect(try await monitor.request("DELETE", "/keys/ci", headers: auth).status == 200)
            let source = SyncSource(
                identity: "git@example.com:ops/jobs.git#jobs.d", commit: String(repeating: "ab", count: 20))
            let report = try await monitor.store.applySync(
                files: [
                    DefinitionFile(path: "jobs.d/a.yaml", contents: Data("job_id: synced\nschedule: \"@daily\"\n".utf8))
                ],
                source: source, options: SyncOptions())
            #expect(report.record?.result == .applied)

            let page = try await monitor.request("GET", "/audit?per_page=50", headers: auth).object()
            let entries = try #require(page["audit"] as? [[String: Any]])
            let kinds = entries.reversed().compactMap { $0["kind"] as? String }
            #expect(
                kinds == [
                    "key.created", "job.created", "job.updated", "job.paused", "job.resumed", "job.snoozed",
                    "job.unsnoozed", "alert.acknowledged", "job.deleted", "key.created", "key.revoked", "sync.applied",
                    "job.created",
                ])
            let update = try #require(entries.first { $0["kind"] as? String == "job.updated" })
            #expect((update["before"] as? [String: Any])?["schedule"] as? String == "@daily")
            #expect((update["after"] as? [String: Any])?["schedule"] as? String == "@hourly")
            #expect(update["actor"] as? String == "root")
            let pause = try #require(entries.first { $0["kind"] as? String == "job.paused" })
            #expect(pause["actor"] as? String == "alice (root)", "the stated name, then the key that vouched for it")
            let synced = try #require(entries.first { $0["kind"] as? String == "sync.applied" })
            #expect(synced["actor"] as? String == "git@example.com:ops/jobs.git#jobs.d")
            #expect(synced["commit"] as? String == String(repeating: "ab", count: 20))
            #expect(synced["via"] as? String == "sync")
            let syncedJob = try #require(entries.first { $0["target"] as? String == "synced" })
            #expect((syncedJob["after"] as? [String: Any])?["schedule"] as? String == "@daily")
            // Filters: by job, actor, kind.
            let byJob = try await monitor.request("GET", "/audit?job_id=etl&per_page=50", headers: auth).object()
            #expect(byJob["total"] as? Int == 8)
            let byKind = try await monitor.request("GET", "/audit?kind=key.revoked", headers: auth).object()
            #expect(byKind["total"] as? Int == 1)
            let badKind = try await monitor.request("GET", "/audit?kind=job.renamed", headers: auth)
            #expect(badKind.status == 400)
            // The log takes no edits, not even from SQL.
            for change in ["UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"] {
                let refused = await #expect(throws: (any Error).self) {
                    try await monitor.store.write { session in try session.execute(change) }
                }
                #expect(MonitorStore.describe(refused!).contains("append-only"), "\(String(describing: refused))")
            }
            // The dashboard shows it.
            let ui = try await monitor.request("GET", "/ui/audit?kind=job.updated", headers: auth).text
            #expect(ui.contains("@hourly"))
        }
    }

    @Test func withoutKeysTheRulesStayAsTheyWere() async throws {
        try await LiveMonitor.with { monitor in
            // No token, no keys: loopback is open, a wrong bearer on a read is ignored as before.
            #expect(
                try await monitor.request("POST", "/jobs", json: ["job_id": "a", "schedule": "@daily"]).status == 201)
            #expect(try await monitor.request("GET", "/jobs", headers: ["Authorization": "Bearer x"]).status == 200)
            let audit = try await monitor.request("GET", "/audit").object()
            let entry = try #require((audit["audit"] as? [[String: Any]])?.first)
            #expect(entry["actor"] as? String == "anonymous at 127.0.0.1")
            #expect(entry["via"] as? String == "api")
        }
    }
}

/// Posts forms over a raw connection, to see the answer itself: URLSession would follow
/// the sign-in's redirect and keep its cookie.
private struct RawHTTPClient {
    let port: Int

    func post(_ path: String, form: String, cookie: String? = nil) async throws -> (
        status: Int, headers: [String: String], body: String
    ) {
        let connection = try RawConnection(port: port)
        try connection.send(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
                + (cookie.map { "Cookie: \($0)\r\n" } ?? "") + "Connection: close\r\n\r\n" + form)
        let answer = try await connection.readResponse()
        var headers: [String: String] = [:]
        for line in answer.head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return (answer.status, headers, answer.body)
    }
}
