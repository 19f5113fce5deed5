import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that refuses every connection while this is held: bound, never
/// listening. A port merely released after use can be taken by another test's server
/// running in parallel, whose answers the test then sees instead of a refusal.
public final class RefusingPort: Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        (socket, port) = try TCPRelay.listenOnLoopback(listening: false)
    }

    deinit {
        close(socket)
    }
}
