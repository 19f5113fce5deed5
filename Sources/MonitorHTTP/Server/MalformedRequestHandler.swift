import Foundation
import HTTPTypes
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refused before it became a request (a URL or
/// headers past the limits, bytes that are not HTTP) with a 400 in the JSON error
/// envelope that says what was wrong, instead of Hummingbird's empty 400.
///
/// Only between requests: once a request head has been read, its handler owns the
/// answer (a broken chunked body reaches it as an error and becomes a 400 there), and
/// the error is passed on so that no half-read body is ever taken as complete.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var requestOpen = false
    private var responseOpen = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: requestOpen = true
        case .end: requestOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: responseOpen = true
        case .end: responseOpen = false
        case .head, .body: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !requestOpen, !responseOpen else {
            context.fireErrorCaught(error)
            return
        }
        // The parser cannot go on after an error: the answer closes the connection.
        Self.refusal(of: parserError).answer(on: context)
    }

    /// What was wrong, in words a person can act on.
    static func refusal(of error: HTTPParserError) -> MonitorError {
        let message: String
        switch error {
        case .headerOverflow:
            message =
                "the request line and headers are too large (at most 80 KiB together); "
                + "send long values in the body instead of the URL or a header"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            message = "the request URL is not valid: \(error.debugDescription)"
        default:
            message = "the request is not valid HTTP/1.1 (\(error.debugDescription))"
        }
        return MonitorError(.invalidRequest, message)
    }
}
