import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Refuses requests that would change something when a browser sends them on behalf of
/// another site.
///
/// A monitor on loopback without a token trusts whatever reaches it, and a web page the
/// operator happens to visit could make the browser post to `http://127.0.0.1:8000`: a
/// form, or a `no-cors` fetch, needs nobody's permission. Browsers say where such a
/// request comes from; `curl`, scripts and `cronicle-sync` say nothing, so they are never
/// affected, and the dashboard's own requests are same-origin.
///
/// - `Sec-Fetch-Site` (every current browser sends it): `same-origin` and `none` pass,
///   `same-site` and `cross-site` are refused.
/// - Without it, an `Origin` whose host and port differ from the request's `Host` is refused.
///
/// Reads (`GET`, `HEAD`, `OPTIONS`) always pass: the server sends no CORS headers, so
/// another site's page cannot read the answers.
struct CrossSiteRequestGuard<Context: RequestContext>: RouterMiddleware {
    static var fetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if ![.get, .head, .options].contains(request.method), let refusal = Self.refusal(request) {
            throw MonitorError(.forbidden, refusal)
        }
        return try await next(request, context)
    }

    /// Why `request` must be refused, or nil when it may go on.
    static func refusal(_ request: Request) -> String? {
        if let site = request.headers[fetchSite] {
            return site == "same-origin" || site == "none"
                ? nil : "a browser sent this request from another site (Sec-Fetch-Site: \(site)); refused"
        }
        guard let origin = request.headers[.origin] else { return nil }
        let authority = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
        if let host = request.head.authority, authority.lowercased() == host.lowercased() { return nil }
        return "a browser sent this request from \(origin), not from this monitor; refused"
    }
}
