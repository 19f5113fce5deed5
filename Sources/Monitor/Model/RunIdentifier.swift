import Foundation

/// Fresh run ids: time-ordered UUIDs (version 7, RFC 9562) in lowercase, such as
/// `019bc5a2-7e41-7c3a-9b1e-5d2f0a6c4e81`.
///
/// Time-ordered because run ids are a unique index: random ones scattered each insert
/// onto a different index page, so every batch of pings rewrote dozens of pages into
/// the write-ahead log; these land next to each other. Random bits come from the
/// system generator (`getrandom`): Foundation's `UUID()` opens a device per call.
enum RunIdentifier {
    static func generate(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let random: UInt64 = generator.next()
        let tail: UInt64 = generator.next()
        // 48 bits of Unix milliseconds, version 7, 12 random bits.
        let high = (milliseconds << 16) | 0x7000 | (random & 0x0FFF)
        // RFC 4122 variant, 62 random bits.
        let low = (tail & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, word) in [high, low].enumerated() {
            for nibble in 0..<16 {
                let position = index * 16 + nibble
                if position == 8 || position == 12 || position == 16 || position == 20 {
                    text.append(UInt8(ascii: "-"))
                }
                text.append(digits[Int((word >> UInt64(60 - nibble * 4)) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
