import CronicleTestSupport
import Hummingbird
import MonitorEngine
import MonitorHTTP
import MonitorStorage

/// Every route `cronicle serve` declares, the API's and the dashboard's, for tests that
/// hold each route against a table (the OpenAPI document, what each route needs).
public enum ServedRoutes {
    /// `(method, path)` with path parameters in braces: `("POST", "/jobs/{job_id}/start")`.
    public static func all(configuration: ServerConfiguration = ServerConfiguration()) async throws -> [(
        method: String, path: String
    )] {
        let folder = try TemporaryFolder()
        let router = Router(context: CronicleRequestContext.self)
        let store = try MonitorStore(path: folder.url("db.sqlite"))
        defer { try? store.close() }
        let api = MonitorAPI(store: store, configuration: configuration)
        api.addRoutes(to: router)
        try await Dashboard(store: store, events: LiveEvents(store: store)).addRoutes(to: router, access: api.access)
        return router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }
            return (route.method.rawValue, "/" + path.joined(separator: "/"))
        }
    }
}
