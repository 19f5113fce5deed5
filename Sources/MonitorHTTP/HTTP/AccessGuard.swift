import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Who may call the routes of one group, decided where the routes are declared: a
/// route gets the rule of the group it is added to, so no handler has a check of its
/// own to forget.
///
/// ```swift
/// let changes = router.group().add(middleware: AccessGuard(.changes, token: configuration.apiToken))
/// changes.post("/jobs") { ... }
/// ```
///
/// Reads and pings stay open (DESIGN.md §13 until keys exist); changes and sync need the
/// API token when one is set.
struct AccessGuard<Context: RequestContext>: RouterMiddleware {
    enum Rule: Sendable {
        /// Job configurations, pauses and acknowledgements.
        case changes
        /// `/sync/plan` and `/sync/apply`: a plan changes nothing, but reading and checking
        /// a repository's files costs the server.
        case sync
    }

    let rule: Rule
    let token: String?

    init(_ rule: Rule, token: String?) {
        self.rule = rule
        self.token = token
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let token {
            let given = request.headers[.authorization].flatMap { header in
                header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : nil
            }
            guard let given else { throw MonitorError(.unauthorized, refusal) }
            guard Self.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
                throw MonitorError(
                    .unauthorized,
                    "the Bearer token sent is not this monitor's API token (the server's --api-token or "
                        + "CRONICLE_API_TOKEN); check for a stale or mistyped token")
            }
        }
        return try await next(request, context)
    }

    private var refusal: String {
        switch rule {
        case .changes:
            "this request changes job configurations or alerts: send Authorization: Bearer <token>"
        case .sync:
            "this request plans or applies job definitions: send Authorization: Bearer <token>"
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
