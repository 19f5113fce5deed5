import HTTPTypes
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers connections beyond a limit with `503 Service Unavailable` and closes them,
/// so that a flood of connections is told to come back instead of exhausting file
/// descriptors (when `accept` fails for lack of them, nobody gets an answer).
///
/// One ``Counter`` is shared by every connection; each handler counts itself while its
/// connection is open.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// Open connections of one server.
    final class Counter: Sendable {
        let limit: Int
        private let open = Atomic<Int>(0)

        init(limit: Int) {
            self.limit = limit
        }

        var current: Int { open.load(ordering: .relaxed) }

        /// Counts one more connection; false when that one is over the limit (it is not counted).
        func admit() -> Bool {
            let count = open.add(1, ordering: .relaxed).newValue
            if count > limit {
                open.subtract(1, ordering: .relaxed)
                return false
            }
            return true
        }

        func release() {
            open.subtract(1, ordering: .relaxed)
        }
    }

    private let counter: Counter
    private var admitted: Bool?

    init(counter: Counter) {
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        admitted = counter.admit()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if admitted == true { counter.release() }
        admitted = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted == false else {
            context.fireChannelRead(data)
            return
        }
        // Over the limit: answer the first request head, read nothing more, close.
        guard case .head = unwrapInboundIn(data) else { return }
        admitted = nil
        MonitorError(
            .unavailable, "the monitor has \(counter.limit) connections open, its limit; retry in a second"
        ).answer(on: context, headers: [.retryAfter: "1"])
    }
}
