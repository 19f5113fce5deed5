import CronicleExec
import CronicleTestSupport
import Testing

/// The end ping's body: all the output when it fits, else head, marker and tail, within
/// what the server's Ping-Body-Limit allows.
@Suite struct OutputCaptureTests {
    static func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    }

    static func captured(_ bytes: [UInt8], chunks: [Int]? = nil) -> OutputCapture {
        var capture = OutputCapture()
        var offset = 0
        for size in chunks ?? [bytes.count] where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            capture.append(bytes[offset..<end])
            offset = end
        }
        if offset < bytes.count { capture.append(bytes[offset...]) }
        return capture
    }

    @Test func outputThatFitsIsSentWhole() {
        for count in [0, 1, 8 * 1024, 64 * 1024] {
            let output = Self.bytes(count)
            #expect(Self.captured(output).body() == output)
            #expect(Self.captured(output).body(limit: 100_000) == output)
        }
    }

    @Test func longerOutputKeepsTheFirst8AndLast56KiB() {
        let output = Self.bytes(1_000_000)
        let capture = Self.captured(output)
        let expected =
            Array(output.prefix(8 * 1024)) + Array("\n[… \(1_000_000 - 64 * 1024) bytes omitted …]\n".utf8)
            + Array(output.suffix(56 * 1024))
        #expect(capture.body() == expected)
        #expect(capture.body(limit: 100_000) == expected)
        #expect(capture.totalBytes == 1_000_000)
        // One byte too many already needs the marker.
        let justOver = Self.bytes(64 * 1024 + 1)
        #expect(
            Self.captured(justOver).body()
                == Array(justOver.prefix(8 * 1024)) + Array("\n[… 1 bytes omitted …]\n".utf8)
                + Array(justOver.suffix(56 * 1024)))
    }

    @Test func chunksOfAnySizeGiveTheSameBody() {
        var generator = SeededGenerator(seed: 7)
        let output = Self.bytes(300_000)
        let whole = Self.captured(output).body()
        for _ in 0..<20 {
            let chunks = (0..<400).map { _ in Int.random(in: 1...20_000, using: &generator) }
            #expect(Self.captured(output, chunks: chunks).body() == whole)
        }
    }

    @Test func aSmallerBodyLimitShrinksHeadAndTailInProportion() throws {
        let output = Self.bytes(200_000)
        let body = Self.captured(output).body(limit: 10_000)
        #expect(body.count <= 10_000)
        let marker = Array("\n[… ".utf8)
        let markerStart = try #require(body.firstRange(of: marker)?.lowerBound)
        let markerEnd = try #require(body.firstRange(of: Array(" omitted …]\n".utf8))?.upperBound)
        let head = body[..<markerStart]
        let tail = body[markerEnd...]
        #expect(Array(head) == Array(output.prefix(head.count)))
        #expect(Array(tail) == Array(output.suffix(tail.count)))
        #expect(head.count * 7 <= tail.count + 7)
        #expect(head.count + tail.count >= 10_000 - 64)
        // Output within 64 KiB but over the limit is cut too.
        let small = Self.bytes(5_000)
        #expect(Self.captured(small).body(limit: 1_000).count <= 1_000)
    }

    @Test func cutsFallBetweenUTF8Sequences() {
        let output = Array(String(repeating: "é", count: 50_000).utf8)
        let body = Self.captured(output).body()
        #expect(String(validating: body, as: UTF8.self) != nil)
        let limited = Self.captured(output).body(limit: 3_001)
        #expect(String(validating: limited, as: UTF8.self) != nil)
    }
}
