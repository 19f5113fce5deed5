import Foundation

/// A W3C Trace Context `traceparent` for the child (`TRACEPARENT`), so what the command does
/// can be traced as part of the run: `00-<32 hex trace id>-<16 hex span id>-01`.
///
/// ```swift
/// let parent = TraceParent.forChild(inheriting: environment["TRACEPARENT"])
/// parent.description  // 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
/// ```
public struct TraceParent: Sendable, Equatable, CustomStringConvertible {
    /// 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// 16 lower-case hex digits, not all zero.
    public let spanID: String

    /// A new span: in the trace of `inherited` when that is a valid `traceparent`, else in a
    /// new trace.
    public static func forChild<Random: RandomNumberGenerator>(
        inheriting inherited: String?, using generator: inout Random
    ) -> TraceParent {
        let traceID = inherited.flatMap(Self.traceID(of:)) ?? Self.randomHex(bytes: 16, using: &generator)
        return TraceParent(traceID: traceID, spanID: Self.randomHex(bytes: 8, using: &generator))
    }

    /// ``forChild(inheriting:using:)`` with the system's random numbers.
    public static func forChild(inheriting inherited: String?) -> TraceParent {
        var generator = SystemRandomNumberGenerator()
        return forChild(inheriting: inherited, using: &generator)
    }

    /// The trace id of a valid `traceparent` header (version 00 rules, lower-case hex).
    public static func traceID(of header: String) -> String? {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16,
            parts[3].count == 2, parts.prefix(4).allSatisfy({ $0.allSatisfy(\.isLowerHexDigit) }),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return String(parts[1])
    }

    public var description: String { "00-\(traceID)-\(spanID)-01" }

    private static func randomHex<Random: RandomNumberGenerator>(bytes: Int, using generator: inout Random) -> String {
        while true {
            let values = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // An all-zero id is invalid; the chance is 2^-64 at worst, but it costs one line.
            if values.contains(where: { $0 != 0 }) {
                return values.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            }
        }
    }
}

extension Character {
    fileprivate var isLowerHexDigit: Bool { ("0"..."9").contains(self) || ("a"..."f").contains(self) }
}
