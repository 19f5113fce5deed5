/// What a run printed, as its pings carried it (DESIGN.md §10.1): the first bytes of a
/// ping's body, up to the server's `--ping-body-limit`.
///
/// A run's stored output is the bodies of its pings in the order they arrived, cut at
/// ``limit`` bytes; ``receivedBytes`` counts every byte sent, so a reader can tell that
/// the output was cut and by how much.
public struct RunOutput: Sendable, Hashable {
    /// The bytes kept, at most ``limit``.
    public var bytes: [UInt8]
    /// How many bytes the client sent, kept or not.
    public var receivedBytes: Int
    /// The most bytes a run's output keeps.
    public var limit: Int

    public init(bytes: [UInt8], receivedBytes: Int, limit: Int) {
        self.bytes = bytes
        self.receivedBytes = receivedBytes
        self.limit = limit
    }

    /// Whether bytes were left out.
    public var isTruncated: Bool { receivedBytes > bytes.count }

    /// The output as text: invalid UTF-8 (a cut through a character, or binary output)
    /// becomes U+FFFD, never an error.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
