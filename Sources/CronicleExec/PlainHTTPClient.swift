import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One HTTP/1.1 exchange over a plain TCP socket, for pings to `http:` URLs.
///
/// Written by hand, although AsyncHTTPClient does this and more (and still sends every
/// `https:` ping), because `cronicle exec` pays its start-up on every run of every job it
/// wraps: AsyncHTTPClient's first request starts an event-loop group and instantiates its
/// generic pipeline, about 8 ms of the 23 ms exec took around `true` on this machine
/// (docs/performance.md). A blocking socket on a thread of its own costs a connect, a
/// write and a read.
///
/// It sends `Connection: close` and reads the answer to its end: a `Content-Length` body,
/// a chunked one, or one that ends with the connection; only the first 64 KiB of a body
/// are kept. Every step waits at most until the request's deadline.
struct PlainHTTPClient: Sendable {
    struct Response: Sendable {
        var status: Int
        /// Header names in lower case; the first value of each.
        var headers: [String: String]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let bodyLimit = 64 * 1024

    /// Sends `request` and waits for the whole answer on a thread of its own, so the
    /// concurrency pool's threads (two on a 2-core machine) never block on the network.
    /// The answer comes by the deadline whatever the thread does (a name look-up that hangs
    /// in the resolver included), and at once when the task is cancelled: the socket is
    /// shut, and the thread ends on its own.
    func execute(_ request: PingRequest, url: URLComponents, timeout: Duration) async throws -> Response {
        let deadline = ContinuousClock.now + timeout
        let exchange = Exchange()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Response, any Error>) in
                exchange.waiting(continuation)
                let thread = Thread {
                    exchange.finish(Result { try exchange.run(request, url: url, deadline: deadline) })
                }
                thread.stackSize = 256 * 1024
                thread.start()
                Task {
                    try? await Task.sleep(until: deadline + .milliseconds(50))
                    exchange.finish(.failure(Failure(description: "no answer in time")))
                }
            }
        } onCancel: {
            exchange.cancel()
        }
    }
}

/// One connection's socket, which a cancellation may shut down from another thread, and
/// the caller waiting for its answer, resumed once by whichever comes first: the answer,
/// the deadline or the cancellation.
private final class Exchange: @unchecked Sendable {
    // `descriptor`, `cancelled` and `continuation` are read and written under `lock` only.
    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var cancelled = false
    private var continuation: CheckedContinuation<PlainHTTPClient.Response, any Error>?
    private var finished = false

    func waiting(_ continuation: CheckedContinuation<PlainHTTPClient.Response, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        if finished {
            continuation.resume(throwing: PlainHTTPClient.Failure(description: "cancelled"))
        } else {
            self.continuation = continuation
        }
    }

    /// Resumes the caller the first time; later outcomes are dropped.
    func finish(_ result: Result<PlainHTTPClient.Response, any Error>) {
        lock.lock()
        let waiting = continuation
        continuation = nil
        finished = true
        lock.unlock()
        waiting?.resume(with: result)
    }

    func cancel() {
        lock.lock()
        cancelled = true
        if descriptor >= 0 { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        lock.unlock()
        finish(.failure(PlainHTTPClient.Failure(description: "cancelled")))
    }

    private func forget(_ fd: Int32) {
        lock.lock()
        if descriptor == fd { descriptor = -1 }
        lock.unlock()
        close(fd)
    }

    func run(_ request: PingRequest, url: URLComponents, deadline: ContinuousClock.Instant) throws
        -> PlainHTTPClient.Response
    {
        // URLComponents keeps an IPv6 literal's brackets ("[::1]"); the resolver wants none.
        guard var host = url.host, !host.isEmpty else {
            throw PlainHTTPClient.Failure(description: "no host in the URL")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = url.port ?? 80
        let message = try Self.head(request, url: url, host: host) + request.body
        let fd = try connectSocket(host: host, port: port, deadline: deadline)
        defer { forget(fd) }
        try sendAll(message, on: fd, deadline: deadline)
        return try receive(on: fd, deadline: deadline)
    }

    private static func head(_ request: PingRequest, url: URLComponents, host: String) throws -> Data {
        var target = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { target += "?" + query }
        let hostField = host.contains(":") ? "[\(host)]" : host
        var lines = ["\(request.method) \(target) HTTP/1.1", "Host: \(hostField)\(url.port.map { ":\($0)" } ?? "")"]
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            // By bytes: Swift reads "\r\n" as one Character, which equals neither "\r" nor "\n".
            guard !name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == UInt8(ascii: ":") }),
                !value.utf8.contains(where: { $0 == 13 || $0 == 10 })
            else {
                throw PlainHTTPClient.Failure(description: "the header \(name.debugDescription) holds a line break")
            }
            lines.append("\(name): \(value)")
        }
        lines.append("Content-Length: \(request.body.count)")
        lines.append("Connection: close")
        return Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    // MARK: The socket

    private func connectSocket(host: String, port: Int, deadline: ContinuousClock.Instant) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let looked = getaddrinfo(host, String(port), &hints, &list)
        guard looked == 0, let first = list else {
            throw PlainHTTPClient.Failure(
                description: "cannot resolve \(host): \(String(cString: gai_strerror(looked)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            lock.lock()
            if cancelled {
                lock.unlock()
                close(fd)
                throw PlainHTTPClient.Failure(description: "cancelled")
            }
            descriptor = fd
            lock.unlock()
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS {
                do {
                    try Self.wait(fd, for: Int16(POLLOUT), until: deadline)
                    var failure: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
                    if failure == 0 { return fd }
                    lastError = Self.reason(failure)
                } catch {
                    forget(fd)
                    throw error
                }
            } else {
                lastError = Self.reason(errno)
            }
            forget(fd)
        }
        throw PlainHTTPClient.Failure(description: lastError)
    }

    private func sendAll(_ data: Data, on fd: Int32, deadline: ContinuousClock.Instant) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try Self.wait(fd, for: Int16(POLLOUT), until: deadline)
                } else {
                    throw PlainHTTPClient.Failure(description: Self.reason(errno))
                }
            }
        }
    }

    /// Reads until the answer is whole (or its first 64 KiB of body are in).
    private func receive(on fd: Int32, deadline: ContinuousClock.Instant) throws -> PlainHTTPClient.Response {
        var reader = Reader(fd: fd, deadline: deadline)
        var status = 0
        var headers: [String: String] = [:]
        // Interim answers (100 Continue, 103 Early Hints) come before the final one and are
        // skipped, as RFC 9110 asks of a client; 101 is never asked for, so it is final.
        repeat {
            let statusLine = try reader.line().split(separator: " ", maxSplits: 2)
            guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let code = Int(statusLine[1]),
                (100...599).contains(code)
            else {
                throw PlainHTTPClient.Failure(description: "the server's answer is not HTTP/1.x")
            }
            status = code
            headers = [:]
            while true {
                let line = try reader.line()
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                if headers[name] == nil {
                    headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
        } while (100...199).contains(status) && status != 101
        // Once the head is in, the status stands (the server has decided): a body cut short
        // or badly chunked is kept as far as it was read, as AsyncHTTPClient's callers do.
        let limit = PlainHTTPClient.bodyLimit
        var body: [UInt8] = []
        if !((100...199).contains(status) || status == 204 || status == 304) {
            if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                while body.count < limit,
                    let sizeText = try? reader.line().split(separator: ";").first,
                    let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0
                {
                    body += reader.take(min(size, limit - body.count))
                    _ = try? reader.line()
                }
            } else if let length = headers["content-length"].flatMap({ Int($0) }) {
                body = reader.take(min(length, limit))
            } else {
                body = reader.take(limit)
            }
        }
        return PlainHTTPClient.Response(
            status: status, headers: headers, body: String(decoding: body.prefix(limit), as: UTF8.self))
    }

    /// The bytes of one answer, read as they are needed.
    private struct Reader {
        let fd: Int32
        let deadline: ContinuousClock.Instant
        private var bytes: [UInt8] = []
        private var position = 0
        private var closed = false

        init(fd: Int32, deadline: ContinuousClock.Instant) {
            self.fd = fd
            self.deadline = deadline
        }

        /// The next line, without its CRLF; a head over 64 KiB is refused.
        mutating func line() throws -> String {
            while true {
                if let end = Exchange.find([13, 10], in: bytes, from: position) {
                    let text = String(decoding: bytes[position..<end], as: UTF8.self)
                    position = end + 2
                    return text
                }
                guard bytes.count - position < 64 * 1024 else {
                    throw PlainHTTPClient.Failure(description: "the server's answer has a line over 64 KiB")
                }
                try readMore()
            }
        }

        /// `count` bytes, or fewer when the connection ends first or a read fails.
        mutating func take(_ count: Int) -> [UInt8] {
            while !closed, bytes.count - position < count {
                do { try readMore(endIsFine: true) } catch { break }
            }
            let end = count >= bytes.count - position ? bytes.count : position + count
            defer { position = end }
            return Array(bytes[position..<end])
        }

        private mutating func readMore(endIsFine: Bool = false) throws {
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    bytes.append(contentsOf: chunk[0..<count])
                    return
                }
                if count == 0 {
                    closed = true
                    if endIsFine { return }
                    throw PlainHTTPClient.Failure(
                        description: "the server closed the connection in the middle of its answer")
                }
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try Exchange.wait(fd, for: Int16(POLLIN), until: deadline)
                } else {
                    throw PlainHTTPClient.Failure(description: Exchange.reason(errno))
                }
            }
        }
    }

    static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) throws {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { throw PlainHTTPClient.Failure(description: "no answer in time") }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw PlainHTTPClient.Failure(description: Self.reason(errno)) }
        }
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= pattern.count + start else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0], Array(bytes[index..<(index + pattern.count)]) == pattern { return index }
            index += 1
        }
        return nil
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ETIMEDOUT: "no answer in time"
        case ECONNRESET: "connection reset by the server"
        default: String(cString: strerror(code))
        }
    }
}
