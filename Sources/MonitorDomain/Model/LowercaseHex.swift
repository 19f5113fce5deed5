/// Bytes as lower-case hexadecimal digits, two per byte: key hashes, badge ETags and the
/// JSON writer's `\u00XX` escapes.
///
/// ```swift
/// LowercaseHex.string(SHA256.hash(data: bytes))   // "e3b0c442…"
/// ```
public enum LowercaseHex {
    /// `0` to `9`, then `a` to `f`, as ASCII.
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as one string, written into its storage at once: a string per byte, joined,
    /// cost more than the SHA-256 that made the bytes (docs/performance.md).
    public static func string<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let bytes = Array(bytes)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digits[Int(byte >> 4)]
                text[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }
}
