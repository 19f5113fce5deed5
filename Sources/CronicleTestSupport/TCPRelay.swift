import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP relay in front of a server, which a test can cut: what a browser
/// sees when a proxy or the network drops its connections and, for a while, refuses
/// new ones.
///
/// ```swift
/// let relay = try TCPRelay(to: monitor.port)
/// let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(relay.port)/")
/// relay.cut()      // every open connection ends; new ones are closed at once
/// relay.restore()  // connections go through again
/// ```
public final class TCPRelay: Sendable {
    public let port: Int
    private let listener: Int32
    private let target: Int
    private let connections = Mutex(Connections())

    /// The relay's open sockets and whether it lets connections through.
    private struct Connections {
        var sockets: Set<Int32> = []
        var refusing = false
    }

    /// Listens on a free loopback port and relays each connection to `targetPort`.
    public init(to targetPort: Int) throws {
        target = targetPort
        (listener, port) = try Self.listenOnLoopback()
        Thread.detachNewThread { [self] in acceptConnections(listener) }
    }

    /// A socket bound to a free loopback port, listening unless `listening` is false, and the port.
    public static func listenOnLoopback(listening: Bool = true) throws -> (socket: Int32, port: Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, !listening || listen(listener, 64) == 0 else {
            close(listener)
            throw Failure(description: "bind or listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        cut()
    }

    /// Ends every open connection, and closes new ones at once until ``restore()``.
    public func cut() {
        let open = connections.withLock { connections in
            connections.refusing = true
            return connections.sockets
        }
        for socket in open { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    /// Lets new connections through again.
    public func restore() {
        connections.withLock { $0.refusing = false }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptConnections(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: UInt16(target))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let admitted = connections.withLock { connections in
                if connections.refusing { return false }
                connections.sockets.formUnion([client, upstream])
                return true
            }
            guard connected == 0, admitted else {
                close(client)
                close(upstream)
                continue
            }
            // Each direction on its own thread; the second to finish closes both sockets.
            let finished = Pumps()
            for (from, to) in [(client, upstream), (upstream, client)] {
                Thread.detachNewThread { [self] in
                    Self.pump(from: from, to: to)
                    shutdown(from, Int32(SHUT_RDWR))
                    shutdown(to, Int32(SHUT_RDWR))
                    if finished.done() {
                        connections.withLock { $0.sockets.subtract([client, upstream]) }
                        close(client)
                        close(upstream)
                    }
                }
            }
        }
    }

    private static func pump(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(from, &buffer, buffer.count)
            if count <= 0 { return }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { write(to, $0.baseAddress! + sent, count - sent) }
                if written <= 0 { return }
                sent += written
            }
        }
    }
}

/// The two directions of one relayed connection: the second to finish closes it.
private final class Pumps: Sendable {
    private let finished = Mutex(0)

    /// Whether this was the second direction to finish.
    func done() -> Bool {
        finished.withLock { count in
            count += 1
            return count == 2
        }
    }
}
