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
    private let answer: [UInt8]
    private let received = Mutex<[String]>([])

    public init(answer: String) throws {
        self.answer = Array(answer.utf8)
        (listener, port) = try TCPRelay.listenOnLoopback()
        Thread.detachNewThread { [self] in acceptConnections() }
    }

    /// Every request received so far, head and body as text.
    public var requests: [String] { received.withLock { $0 } }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let request = Self.readRequest(connection)
            received.withLock { $0.append(request) }
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
