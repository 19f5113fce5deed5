import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Headers every answer carries, errors included: browsers must not guess a type other
/// than the one sent (`nosniff`, so a JSON answer holding a client's text is never run
/// as a page), and a page's links must not tell other sites the monitor's addresses,
/// which can carry job ids (`Referrer-Policy`).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "same-origin"
        return response
    }

    private static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
}
