import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

extension MonitorError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .invalidRequest, .malformedJSON: .badRequest
        case .methodNotAllowed: .methodNotAllowed
        case .conflict, .managedBySync: .conflict
        case .syncFailed: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .payloadTooLarge: .contentTooLarge
        case .unavailable, .storageFull, .storageUnavailable: .serviceUnavailable
        default: .internalServerError
        }
    }

    /// `{"error": {"code": "not_found", "message": "job 'x' does not exist"}}`
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: envelope))
    }

    /// The JSON error envelope, as every answer of the monitor carries it.
    var envelope: ByteBuffer {
        var json = JSONWriter()
        json.object { json in
            json.field("error") { json in
                json.object { json in
                    json.field("code", code.description)
                    json.field("message", message)
                }
            }
        }
        return json.buffer
    }

    /// Answers with this error from a channel handler, where no router runs (a request
    /// the parser refused, a connection over the limit), then closes the connection.
    /// `headers` are added to the content type, length and `nosniff` the answer has anyway.
    func answer(on context: ChannelHandlerContext, headers: HTTPFields = [:]) {
        let body = envelope
        var fields: HTTPFields = [
            .contentType: "application/json", .contentLength: String(body.readableBytes), .connection: "close",
            .xContentTypeOptions: "nosniff",
        ]
        fields.append(contentsOf: headers)
        context.write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}

/// Makes every failure answer in the JSON error envelope: the monitor's own errors,
/// Hummingbird's (unknown route, body too large), and anything unexpected, which
/// becomes a logged 500 rather than leaking details.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, to tell a wrong method (405) from an unknown path (404).
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as MonitorError {
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let converted: MonitorError
            let allowed = error.status == .notFound ? routes.methods(for: request.uri.path) : []
            if !allowed.isEmpty {
                let names = allowed.map(\.rawValue).joined(separator: ", ")
                var response = try MonitorError(
                    .methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); use \(names)"
                ).response(from: request, context: context)
                response.headers[.allow] = names
                return response
            }
            switch error.status {
            case .notFound: converted = MonitorError(.notFound, "no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge: converted = MonitorError(.payloadTooLarge, "the request body is too large")
            case .methodNotAllowed:
                converted = MonitorError(.invalidRequest, "\(request.method) is not allowed on \(request.uri.path)")
            default: converted = MonitorError(.invalidRequest, "\(error.status.reasonPhrase)")
            }
            var response = try converted.response(from: request, context: context)
            response.status = error.status
            return response
        } catch let error as HTTPParserError {
            // The body broke off mid-way (a malformed chunk, say): the client's fault, and the
            // connection closes after this answer.
            return try MonitorError(
                .invalidRequest, "the request body is not valid HTTP/1.1 (\(error.debugDescription))"
            ).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error on \(request.method) \(request.uri.path): \(error)")
            return try MonitorError(.internalError, "internal error; see the server log").response(
                from: request, context: context)
        }
    }
}
