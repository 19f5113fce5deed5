import Hummingbird
import Synchronization

/// The methods each path of the router answers, so that a request for a known path
/// with another method is told 405 and which methods to use (`Allow`), as HTTP asks,
/// instead of 404. Filled once every route is declared, before the server starts.
final class RouteTable: Sendable {
    private struct Route {
        /// `["jobs", "{job_id}", "start"]`: a segment in braces matches any one segment.
        var segments: [Substring]
        var method: HTTPRequest.Method
    }

    private let routes = Mutex<[Route]>([])

    func fill<Context>(from router: Router<Context>) {
        let table = router.routes.map { route in
            Route(segments: route.path.description.split(separator: "/"), method: route.method)
        }
        routes.withLock { $0 = table }
    }

    /// The methods `path` is routed for; empty when no route has that path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map(\.method)
        }
    }
}
