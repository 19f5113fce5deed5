import Config
import Testing

/// How text from a job-definition file is quoted in messages: escaped, and short.
@Suite struct UntrustedTextTests {
    @Test func controlCharactersAreWrittenAsEscapes() {
        #expect(
            UntrustedText.escaped("a\u{1B}[2J\nb\r\tc\u{0}d\u{7F}\u{9B}") == #"a\u{1B}[2J\nb\r\tc\u{0}d\u{7F}\u{9B}"#)
        #expect(
            UntrustedText.escaped("abc\u{202E}fed\u{2028}") == #"abc\u{202E}fed\u{2028}"#, "bidi and line separators")
        #expect(
            UntrustedText.escaped("plain, ünïcode, emoji 👩‍👩‍👧 and a \\ stay") == "plain, ünïcode, emoji 👩‍👩‍👧 and a \\ stay")
    }

    @Test func escapingTwiceChangesNothing() {
        let once = UntrustedText.escaped("x\u{1B}]0;title\u{7}\n")
        #expect(UntrustedText.escaped(once) == once)
    }

    @Test func anExcerptIsCappedEscapesIncluded() {
        let long = String(repeating: "x", count: 100)
        #expect(UntrustedText.excerpt(long) == String(repeating: "x", count: 60) + "…")
        #expect(UntrustedText.excerpt(String(repeating: "x", count: 60)) == String(repeating: "x", count: 60))
        #expect(UntrustedText.excerpt("short\u{1B}") == #"short\u{1B}"#)
        let escapes = UntrustedText.excerpt(String(repeating: "\u{1B}", count: 100))
        #expect(escapes == String(repeating: #"\u{1B}"#, count: 10) + "…", "an escape is never cut in half")
        #expect(UntrustedText.excerpt("abcdef", limit: 3) == "abc…")
    }

    @Test func aLiteralReadsBackUnambiguously() {
        #expect(UntrustedText.literal("say \"hi\"\n\u{1B}[2J\\") == #""say \"hi\"\n\u{1B}[2J\\""#)
    }
}
