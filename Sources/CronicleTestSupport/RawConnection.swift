import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback port, for requests no HTTP client would send:
/// a forged `Host`, a body that stops half-way, a malformed chunk size, a thousand
/// connections held open.
///
/// ```swift
/// let connection = try RawConnection(port: monitor.port)
/// try connection.send("GET /jobs HTTP/1.1\r\nHost: evil.example\r\n\r\n")
/// let answer = try await connection.readResponse()   // "HTTP/1.1 403 Forbidden\r\n..."
/// ```
public final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(port: Int, receiveTimeout: TimeInterval = 60) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(description: "connect: errno \(errno)")
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    public func send(_ text: String) throws {
        try send(Data(text.utf8))
    }

    public func send(_ data: Data) throws {
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { buffer in
                Glibc.send(socket, buffer.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += written
        }
    }

    /// Everything the server sends until it closes the connection or stops sending for
    /// the receive timeout; nil when the connection was closed with nothing sent.
    ///
    /// The blocking reads wait on a thread of their own: on one of the concurrency pool's
    /// two threads they would keep the server in the same process from running, and a
    /// loaded test run saw a 1 s body timeout close the connection after 4 s.
    public func readUntilClosed() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingReadUntilClosed()) }
        }
    }

    /// One response, as ``blockingReadResponse()`` reads it, waiting on a thread of its own.
    public func readResponse() async throws -> (status: Int, head: String, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.blockingReadResponse() })
            }
        }
    }

    /// What the server sent until that text holds `marker`, or until `timeout` passed (each
    /// read waits at most the receive timeout), or the connection closed: for a stream that
    /// never goes quiet, such as `/events` while alerts change.
    public func read(until marker: String, timeout: Duration) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let deadline = ContinuousClock.now + timeout
                var received = Data()
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while ContinuousClock.now < deadline,
                    !String(decoding: received, as: UTF8.self).contains(marker)
                {
                    let count = recv(self.socket, &buffer, buffer.count, 0)
                    if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { break }
                    if count > 0 { received.append(contentsOf: buffer[0..<count]) }
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
        }
    }

    private func blockingReadUntilClosed() -> String? {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return received.isEmpty ? nil : String(decoding: received, as: UTF8.self)
    }

    /// One response: its status line's code and the text after the head, read until
    /// `Content-Length` bytes of body arrived (or the connection closed).
    private func blockingReadResponse() throws -> (status: Int, head: String, body: String) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = received.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count - end.upperBound >= length {
                    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                    let body = String(decoding: received[end.upperBound..<(end.upperBound + length)], as: UTF8.self)
                    return (status, head, body)
                }
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else {
                throw Failure(description: "the connection ended after \(received.count) bytes without a response")
            }
            received.append(contentsOf: buffer[0..<count])
        }
    }
}
