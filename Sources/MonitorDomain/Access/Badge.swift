import Crypto
import Foundation

/// A status badge (DESIGN 13): a job's or a tag's state in three words, at a URL signed
/// with the monitor's badge secret, so that a README can show it without the URL giving
/// away anything else (no ping URL, no key, no other job).
public struct Badge: Sendable, Hashable {
    /// What a badge shows: `up`, `late` or `down`, and `paused` for a paused job.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case up, late, down, paused

        /// A job's state as a badge tells it.
        public init(_ state: JobStatus.State) {
            switch state {
            case .ok, .running, .new: self = .up
            case .late: self = .late
            case .missed, .failed, .longRunning, .tooFast: self = .down
            case .paused: self = .paused
            }
        }

        /// The worst of several: down, then late, then up; paused only when all are.
        public static func worst(_ states: [State]) -> State {
            for state in [State.down, .late, .up] where states.contains(state) { return state }
            return states.isEmpty ? .up : .paused
        }

        /// The colour of the badge's message, as shields.io names it and as SVG draws it.
        public var color: (name: String, hex: String) {
            switch self {
            case .up: ("brightgreen", "#4c1")
            case .late: ("yellow", "#dfb317")
            case .down: ("red", "#e05d44")
            case .paused: ("lightgrey", "#9f9f9f")
            }
        }
    }

    /// A job's badge or a tag's (the worst state of the jobs with the tag).
    public enum Subject: Sendable, Hashable {
        case job(String)
        case tag(String)

        var signed: String {
            switch self {
            case .job(let id): "job:\(id)"
            case .tag(let tag): "tag:\(tag)"
            }
        }

        public var name: String {
            switch self {
            case .job(let id): id
            case .tag(let tag): tag
            }
        }
    }

    /// The signature of `subject`'s badge URLs: 128 bits of HMAC-SHA256 under `secret`, base64url.
    public static func signature(_ subject: Subject, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(subject.signed.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return KeySecret.base64URL(Array(Array(mac).prefix(16)))
    }

    /// Whether `signature` is `subject`'s, compared in constant time.
    public static func verify(_ signature: String, _ subject: Subject, secret: String) -> Bool {
        let expected = Array(Self.signature(subject, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A flat badge in SVG, `label | message`, sized by an estimate of the text's width.
    public static func svg(label: String, state: State) -> String {
        func width(_ text: String) -> Int { 10 + text.count * 7 }
        let labelWidth = width(label)
        let messageWidth = width(state.rawValue)
        let total = labelWidth + messageWidth
        let label = escape(label)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total)" height="20" role="img" \
            aria-label="\(label): \(state.rawValue)"><title>\(label): \(state.rawValue)</title>\
            <rect width="\(labelWidth)" height="20" fill="#555"/>\
            <rect x="\(labelWidth)" width="\(messageWidth)" height="20" fill="\(state.color.hex)"/>\
            <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">\
            <text x="\(labelWidth / 2)" y="14">\(label)</text>\
            <text x="\(labelWidth + messageWidth / 2)" y="14">\(state.rawValue)</text></g></svg>
            """
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
