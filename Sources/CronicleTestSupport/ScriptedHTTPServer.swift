import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback server that answers every HTTP request with the same raw bytes, then closes
/// the connection: answers no framework would send (chunked bodies split mid-line, a body
/// shorter than its `Content-Length`), for testing a client's own HTTP parsing.
///
/// ```swift
/// let server = try ScriptedHTTPServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
/// // ... send to http://127.0.0.1:\(server.port)/
/// server.requests   // each request's head and body as received
/// ```
public final class ScriptedHTTPServer: Sendable {
    public let port: Int
    private let listener: Int32
    private let log = RequestLog()

    /// Listens on 127.0.0.1, or on ::1 with `ipv6`.
    public init(answer: String, ipv6: Bool = false) throws {
        (listener, port) = ipv6 ? try Self.listenOnIPv6Loopback() : try TCPRelay.listenOnLoopback()
        // The thread holds what it needs, not the server, so releasing the server closes
        // the listener and ends the thread.
        let (listener, log, bytes) = (listener, log, Array(answer.utf8))
        Thread.detachNewThread { Self.acceptConnections(listener, answer: bytes, log: log) }
    }

    /// Every request received so far, head and body as text.
    public var requests: [String] { log.all }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The requests a server received, shared with its thread.
    private final class RequestLog: Sendable {
        private let requests = Mutex<[String]>([])
        func add(_ request: String) { requests.withLock { $0.append(request) } }
        var all: [String] { requests.withLock { $0 } }
    }

    private static func listenOnIPv6Loopback() throws -> (socket: Int32, port: Int) {
        let listener = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw TCPRelay.Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw TCPRelay.Failure(description: "bind or listen on ::1: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        return (listener, Int(UInt16(bigEndian: address.sin6_port)))
    }

    private static func acceptConnections(_ listener: Int32, answer: [UInt8], log: RequestLog) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            log.add(readRequest(connection))
            answer.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = send(
                        connection, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                    guard written > 0 else { break }
                    offset += written
                }
            }
            shutdown(connection, Int32(SHUT_RDWR))
            close(connection)
        }
    }

    /// The head and the `Content-Length` bytes after it.
    private static func readRequest(_ connection: Int32) -> String {
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        while true {
            if let end = text().range(of: "\r\n\r\n") {
                let head = text()[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text().utf8.count - text()[..<end.upperBound].utf8.count >= length { return text() }
            }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return text() }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
