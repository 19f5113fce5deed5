import HTTPTypes
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body does not arrive in full within a time limit.
///
/// Hummingbird's idle timeout already covers a connection that sends nothing, or
/// dribbles a request head byte by byte (the head counts only when complete); once the
/// head is in, nothing limits how long a client may take over the body, so a client
/// holding a half-sent body would hold a request task, and the server's shutdown, forever.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
