import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the address
/// of the peer, which runs record as `remote_addr`.
public struct CronicleRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Who called, once the route's ``AccessGuard`` has looked; nil on unguarded routes.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
