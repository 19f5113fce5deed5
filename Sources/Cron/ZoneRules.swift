import Foundation
import Synchronization

/// A time zone's UTC offsets as a table of transitions, so the fire-time search can
/// look up an offset, and the stretch of time it holds for, with a binary search.
///
/// Built once per zone from Foundation's `TimeZone` (the system's tz database) and
/// kept for the life of the process. It covers ``supportedRange``; fire times are
/// not computed outside it.
final class ZoneRules: Sendable {
    /// 1900-01-01T00:00:00Z through 2400-01-01T00:00:00Z, in seconds since 1970.
    static let supportedRange: Range<Int> = -2_208_988_800..<13_569_465_600

    /// One stretch of constant offset: instants `start..<end`, local time = instant + `offset`.
    struct Segment {
        let start: Int
        let end: Int
        let offset: Int
        /// The offset of the stretch before this one (its own offset for the first).
        let previousOffset: Int
    }

    let identifier: String
    /// Instants at which the offset changes, ascending.
    private let transitions: [Int]
    /// `offsets[i]` holds before `transitions[i]` (and after `transitions[i - 1]`).
    private let offsets: [Int]

    private static let cache = Mutex<[String: ZoneRules]>([:])

    /// The rules of `timeZone`, built on first use and shared afterwards.
    static func rules(for timeZone: TimeZone) -> ZoneRules {
        let identifier = timeZone.identifier
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        let rules = ZoneRules(timeZone)
        return cache.withLock { cache in
            if let existing = cache[identifier] { return existing }
            cache[identifier] = rules
            return rules
        }
    }

    private init(_ timeZone: TimeZone) {
        identifier = timeZone.identifier
        var transitions: [Int] = []
        var offsets: [Int] = []
        let start = Self.supportedRange.lowerBound
        var current = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(start)))
        var cursor = Date(timeIntervalSince1970: TimeInterval(start))
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor) {
            let instant = Int(next.timeIntervalSince1970.rounded(.down))
            guard instant < Self.supportedRange.upperBound, next > cursor else { break }
            cursor = next
            let after = timeZone.secondsFromGMT(for: next)
            // Foundation also reports changes of name or of DST flag alone; only
            // offset changes move wall clocks.
            guard after != current else { continue }
            transitions.append(instant)
            offsets.append(current)
            current = after
        }
        offsets.append(current)
        self.transitions = transitions
        self.offsets = offsets
    }

    var segmentCount: Int { offsets.count }

    /// The index of the segment that holds `instant`.
    func segmentIndex(containing instant: Int) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func segment(_ index: Int) -> Segment {
        Segment(
            start: index == 0 ? Self.supportedRange.lowerBound : transitions[index - 1],
            end: index == transitions.count ? Self.supportedRange.upperBound : transitions[index],
            offset: offsets[index],
            previousOffset: offsets[index == 0 ? 0 : index - 1])
    }

    /// The UTC offset in seconds at `instant`.
    func offset(at instant: Int) -> Int {
        offsets[segmentIndex(containing: instant)]
    }
}
