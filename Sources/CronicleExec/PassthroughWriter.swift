import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes what the command printed to exec's own stdout or stderr, every byte in order.
///
/// Writes block when the reader is slow, as they would for the command itself; they run on
/// a serial queue of their own so a blocked terminal or pipe never holds a thread of the
/// concurrency pool (which the pings and the timeout need). When the reader is gone (EPIPE)
/// ``forward(_:)`` says so once, so the command can be sent the SIGPIPE it would have had
/// without exec (`cronicle exec -- yes | head` ends); later bytes are dropped, and still
/// captured by the caller.
final class PassthroughWriter: Sendable {
    private let descriptor: Int32
    private let queue: DispatchQueue
    private let broken = Atomic(false)

    /// - Parameter descriptor: 1 or 2. When exec was started with it closed, nothing is
    ///   written: the number may now belong to something the runtime opened.
    init(descriptor: Int32) {
        self.descriptor = descriptor
        queue = DispatchQueue(label: "cronicle-exec.passthrough.\(descriptor)")
        if !ChildProcess.isOpenFile(descriptor) { broken.store(true, ordering: .relaxed) }
    }

    /// Writes `bytes` and returns once they are written (or the reader is gone).
    ///
    /// - Returns: true when this write found the reader gone (EPIPE), the first time only.
    @discardableResult
    func forward(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty, !broken.load(ordering: .relaxed) else { return false }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            queue.async {
                continuation.resume(returning: self.writeAll(bytes))
            }
        }
    }

    /// True when the reader turned out to be gone.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // Inherited a non-blocking descriptor: wait until it takes more.
                    var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&poller, 1, -1)
                } else {
                    let readerGone = written < 0 && errno == EPIPE
                    broken.store(true, ordering: .relaxed)
                    return readerGone
                }
            }
            return false
        }
    }
}
