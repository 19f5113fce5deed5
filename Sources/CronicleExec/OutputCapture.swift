/// The head and tail of a command's output, kept in bounded memory however much it prints.
///
/// The first ``headCapacity`` bytes and the last ``tailCapacity`` bytes are kept; the end
/// ping's body joins them with a line saying how many bytes were left out between.
///
/// ```swift
/// var capture = OutputCapture()
/// capture.append(bytes)
/// let body = capture.body(limit: 100_000)  // what Ping-Body-Limit allows
/// ```
///
/// Both streams of the child go into one capture, in the order they were read.
public struct OutputCapture: Sendable {
    /// Bytes kept from the start of the output: 8 KiB.
    public static let headCapacity = 8 * 1024
    /// Bytes kept from the end of the output: 56 KiB.
    public static let tailCapacity = 56 * 1024

    private var head: [UInt8] = []
    /// A ring of the latest bytes after the head, allocated only once the head is full.
    private var ring: [UInt8] = []
    private var ringWrite = 0
    private var ringCount = 0
    /// Every byte appended, kept or not.
    public private(set) var totalBytes = 0

    public init() {}

    /// Adds bytes the command printed.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        totalBytes += bytes.count
        var rest = bytes[...]
        if head.count < Self.headCapacity {
            let taken = rest.prefix(Self.headCapacity - head.count)
            head.append(contentsOf: taken)
            rest = rest.dropFirst(taken.count)
        }
        guard !rest.isEmpty else { return }
        if ring.isEmpty { ring = [UInt8](repeating: 0, count: Self.tailCapacity) }
        if rest.count > Self.tailCapacity { rest = rest.suffix(Self.tailCapacity) }
        let bytes = Array(rest)
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Self.tailCapacity - ringWrite)
            ring.replaceSubrange(ringWrite..<(ringWrite + count), with: bytes[offset..<(offset + count)])
            ringWrite = (ringWrite + count) % Self.tailCapacity
            offset += count
        }
        ringCount = min(Self.tailCapacity, ringCount + bytes.count)
    }

    /// The bytes kept after the head, oldest first.
    private var tail: [UInt8] {
        ringCount < Self.tailCapacity ? Array(ring[0..<ringCount]) : Array(ring[ringWrite...] + ring[..<ringWrite])
    }

    /// The end ping's body: all the output when it fits, else the head, a line such as
    /// `\n[… 1234567 bytes omitted …]\n`, and the tail.
    ///
    /// - Parameter limit: the server's `Ping-Body-Limit`, when known. Below 64 KiB the head and
    ///   tail shrink in proportion (an eighth for the head) so the whole body, marker included,
    ///   fits and the server never cuts the tail, the part that usually says what went wrong.
    public func body(limit: Int? = nil) -> [UInt8] {
        let tail = self.tail
        let everythingKept = head.count + tail.count == totalBytes
        if everythingKept && totalBytes <= (limit ?? Int.max) { return head + tail }

        var headBudget = Self.headCapacity
        var tailBudget = Self.tailCapacity
        // The longest the marker can be: it never counts more bytes than there are.
        let markerRoom = Self.marker(omitted: totalBytes).count
        if let limit, limit < Self.headCapacity + Self.tailCapacity + markerRoom {
            let room = limit - markerRoom
            guard room > 0 else { return Array(head.prefix(max(0, limit))) }
            headBudget = room / 8
            tailBudget = room - headBudget
        }
        let headPart = Self.prefix(head, upTo: headBudget)
        let tailPart = Self.suffix(tail, upTo: tailBudget)
        let omitted = totalBytes - headPart.count - tailPart.count
        return headPart + Self.marker(omitted: omitted) + tailPart
    }

    static func marker(omitted: Int) -> [UInt8] {
        Array("\n[… \(omitted) bytes omitted …]\n".utf8)
    }

    /// At most `count` leading bytes, not ending inside a UTF-8 sequence (text stays valid).
    private static func prefix(_ bytes: [UInt8], upTo count: Int) -> [UInt8] {
        guard count < bytes.count else { return bytes }
        var end = max(0, count)
        // Back off at most 3 continuation bytes: binary output has no sequences to keep whole.
        var steps = 0
        while end > 0, steps < 3, bytes[end] & 0xC0 == 0x80 {
            end -= 1
            steps += 1
        }
        return Array(bytes[..<end])
    }

    /// At most `count` trailing bytes, not starting inside a UTF-8 sequence.
    private static func suffix(_ bytes: [UInt8], upTo count: Int) -> [UInt8] {
        guard count < bytes.count else { return bytes }
        var start = bytes.count - max(0, count)
        var steps = 0
        while start < bytes.count, steps < 3, bytes[start] & 0xC0 == 0x80 {
            start += 1
            steps += 1
        }
        return Array(bytes[start...])
    }
}
