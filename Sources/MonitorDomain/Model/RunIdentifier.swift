import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Fresh run ids: time-ordered UUIDs (version 7, RFC 9562) in lowercase, such as
/// `019bc5a2-7e41-7c3a-9b1e-5d2f0a6c4e81`.
///
/// Time-ordered because run ids are a unique index: random ones scattered each insert
/// onto a different index page, so every batch of pings rewrote dozens of pages into
/// the write-ahead log; these land next to each other. Random bits come from the
/// system generator, read 4 KiB at a time: one `getrandom` call per id was a twentieth
/// of the store's CPU per ping.
package enum RunIdentifier {
    package static func generate(at date: Date = Date()) -> String {
        let (random, tail) = randomPool.withLock { $0.next() }
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // 48 bits of Unix milliseconds, version 7, 12 random bits.
        let high = (milliseconds << 16) | 0x7000 | (random & 0x0FFF)
        // RFC 4122 variant, 62 random bits.
        let low = (tail & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<2 {
                let word = index == 0 ? high : low
                for nibble in 0..<16 {
                    let digit = index * 16 + nibble
                    if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let value = UInt8((word >> UInt64(60 - nibble * 4)) & 0xF)
                    text[position] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                    position += 1
                }
            }
            return position
        }
    }

    private static let randomPool = Mutex(RandomPool())

    /// Random words from the system generator, fetched in bulk.
    private struct RandomPool {
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used + 2 > words.count {
                refill()
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }

        private mutating func refill() {
            words.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                    // glibc's arc4random_buf is one getrandom call for the whole buffer.
                    arc4random_buf(buffer.baseAddress!, buffer.count)
                #else
                    var generator = SystemRandomNumberGenerator()
                    for index in 0..<buffer.count / 8 {
                        buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: index * 8, as: UInt64.self)
                    }
                #endif
            }
        }
    }
}
