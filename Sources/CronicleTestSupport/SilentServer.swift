import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port where connections are accepted by the kernel and then nothing is
/// ever said: what a client sees from a server that hangs.
public final class SilentServer: Sendable {
    public let port: Int
    private let listener: Int32

    public init() throws {
        (listener, port) = try TCPRelay.listenOnLoopback()
    }

    deinit {
        close(listener)
    }
}
