import Config
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Who may call the routes of one group, decided where the routes are declared: a route
/// gets the rule of the group it is added to, so no handler has a check of its own to
/// forget. The guard also tells the handler who called (``CronicleRequestContext/caller``),
/// for the audit log.
///
/// ```swift
/// let changes = router.group().add(middleware: access.guarding(.write))
/// changes.post("/jobs") { ... }
/// ```
///
/// The rules of DESIGN.md §13:
/// - As soon as a key made with `cronicle keys create` exists, every route needs a key of
///   the scope it names (`Authorization: Bearer <key>`, or the dashboard's session cookie),
///   but the pings through a job's secret `ping_uuid` and badges, which are declared
///   outside every guarded group.
/// - Before that, `--api-token` (an admin key) guards changes and sync, and reads and pings
///   stay open; without a token, a monitor on loopback is open.
struct AccessGuard: RouterMiddleware {
    typealias Context = CronicleRequestContext

    /// What the routes of a group need.
    enum Requirement: Sendable {
        /// The API's reads: a `read` key.
        case read
        /// Dashboard pages: a `read` key; without one a browser is sent to `/login`.
        case page
        /// A job's runs (`/jobs/{job_id}/start|end|fail`): a `ping` key that covers the job.
        case ping
        /// Jobs, pauses, snoozes, acknowledgements, channel tests: a `write` key.
        case write
        /// `/sync/plan`: a `read` or `sync` key, so pull-request jobs need no write secret.
        case plan
        /// `/sync/apply`: a `sync` key.
        case sync
        /// Keys: an `admin` key.
        case admin

        /// The scope this requirement names in refusals.
        var scope: AccessScope {
            switch self {
            case .read, .page, .plan: .read
            case .ping: .ping
            case .write: .write
            case .sync: .sync
            case .admin: .admin
            }
        }

        /// Whether, before any key exists, the route needs `--api-token` (when set).
        var needsTokenWithoutKeys: Bool {
            switch self {
            case .read, .page, .ping: false
            case .write, .plan, .sync, .admin: true
            }
        }
    }

    let requirement: Requirement
    let access: AccessControl

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let (caller, refusal) = try await access.caller(request, context)
        context.caller = caller
        if try await access.keyRing.keysRequired() {
            if let refusal { throw refusal }
            if requirement == .page && caller.scope == nil { return LoginRedirect.response(to: request) }
            try await checkKeyed(caller, request, context)
        } else if requirement.needsTokenWithoutKeys, access.keyRing.hasAPIToken, caller.credential == nil {
            throw refusal ?? MonitorError(.unauthorized, tokenRefusal)
        }
        return try await next(request, context)
    }

    /// With keys: a credential of the right scope, and for a ping key, one that covers the job.
    private func checkKeyed(_ caller: Caller, _ request: Request, _ context: Context) async throws {
        guard let scope = caller.scope else {
            throw MonitorError(
                .unauthorized,
                "this monitor needs a key with the \(requirement.scope.rawValue) scope\(orBetter) for this request: "
                    + "send Authorization: Bearer <key>\(requirement == .ping ? "" : ", or sign in at /login")")
        }
        let allowed =
            requirement == .plan ? scope.grants(.read) || scope.grants(.sync) : scope.grants(requirement.scope)
        guard allowed else {
            throw MonitorError(
                .forbidden,
                "the key '\(caller.name)' has the \(scope.rawValue) scope; this request needs "
                    + "\(requirement.scope.rawValue)\(orBetter)")
        }
        if requirement == .ping, case .key(let key) = caller.credential, key.scope == .ping, key.isLimitedToJobs {
            let raw = try context.parameters.require("job_id")
            let jobID = raw.removingPercentEncoding ?? raw
            let tags = key.tags.isEmpty ? [] : try await access.store.job(jobID)?.definition.tags ?? []
            guard key.covers(jobID: jobID, tags: tags) else {
                throw MonitorError(
                    .forbidden,
                    "the key '\(key.name)' may ping \(key.coverage) only, and job '\(jobID)' is not among them")
            }
        }
    }

    /// The scopes that also grant the one needed, as a refusal names them.
    private var orBetter: String {
        switch requirement {
        case .read, .page: " (or write, sync or admin)"
        case .plan: " (or sync, write or admin)"
        case .ping: " covering the job (or write or admin)"
        case .write, .sync: " (or admin)"
        case .admin: ""
        }
    }

    private var tokenRefusal: String {
        switch requirement {
        case .sync, .plan:
            "this request plans or applies job definitions: send Authorization: Bearer <token>"
        case .admin:
            "this request manages keys: send Authorization: Bearer <token> (the server's --api-token)"
        default:
            "this request changes job configurations or alerts: send Authorization: Bearer <token>"
        }
    }

    /// Compares without stopping at the first difference, so timing reveals nothing of the token.
    static func constantTimeEqual(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        // The lengths are compared as whole numbers: folded into a byte, lengths 256 apart matched.
        var difference = first.count == second.count ? 0 : 1
        for index in 0..<max(first.count, second.count) {
            difference |= Int((index < first.count ? first[index] : 0) ^ (index < second.count ? second[index] : 0))
        }
        return difference == 0
    }
}

/// A page asked for without signing in: answered `303 See Other` to `/login`, which comes
/// back to the page after.
enum LoginRedirect {
    static func response(to request: Request) -> Response {
        Response(
            status: .seeOther,
            headers: [.location: "/login?next=" + encode(request.uri.description), .cacheControl: "no-store"])
    }

    /// A path as the `next` parameter carries it.
    static func encode(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? "/"
    }
}
