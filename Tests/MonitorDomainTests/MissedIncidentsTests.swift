import Foundation
import MonitorDomain
import Testing

/// The incident logic of the alert engine, with starts held in an array: no database.
struct MissedIncidentsTests {
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    /// Every minute for `count` minutes after the origin.
    static func minutes(_ range: ClosedRange<Int>) -> [Date] {
        range.map { origin.addingTimeInterval(TimeInterval($0 * 60)) }
    }

    static func decide(
        _ fireTimes: [Date], starts: [Date], latest: MissedIncidents.Latest? = nil, tolerance: TimeInterval = 60
    ) -> (MissedIncidents, lookups: Int) {
        var lookups = 0
        // Nothing here throws.
        let incidents = try! MissedIncidents(
            fireTimes: fireTimes, tolerance: tolerance, earlyAllowance: min(60, tolerance), latest: latest,
            firstStart: { instant in
                lookups += 1
                return starts.sorted().first { $0 >= instant }
            })
        return (incidents, lookups)
    }

    @Test func aJobThatNeverStartedIsOneIncidentWithACount() {
        let week = Self.minutes(1...10_080)
        let (decided, lookups) = Self.decide(week, starts: [])
        #expect(
            decided.incidents == [
                .init(
                    existingID: nil, firstFireTime: week[0], lastFireTime: week.last!, added: 10_080, resolvedAt: nil)
            ])
        #expect(decided.missed == 10_080)
        // The index is asked once per start that could matter, not once per fire time.
        #expect(lookups < 10, "asked \(lookups) times")
    }

    @Test func aStartBetweenMissesEndsTheIncidentAndTheNextMissOpensAnother() {
        let fireTimes = Self.minutes(1...10)
        // A start half-way between 04:00 and 05:00 meets 05:00 (early allowance 60 s) and 04:00 (tolerance).
        let start = Self.origin.addingTimeInterval(4 * 60 + 30)
        let (decided, _) = Self.decide(fireTimes, starts: [start])
        #expect(decided.incidents.count == 2)
        #expect(decided.incidents[0].lastFireTime == fireTimes[2])
        #expect(decided.incidents[0].added == 3)
        #expect(decided.incidents[0].resolvedAt == start)
        #expect(decided.incidents[1].firstFireTime == fireTimes[5])
        #expect(decided.incidents[1].added == 5)
        #expect(decided.incidents[1].resolvedAt == nil)
    }

    @Test func missesJoinTheStoredOpenIncidentAndRecordedOnesAreSkipped() {
        let fireTimes = Self.minutes(1...6)
        let latest = MissedIncidents.Latest(id: 7, lastFireTime: fireTimes[2], isOpen: true)
        let (decided, _) = Self.decide(fireTimes, starts: [], latest: latest)
        #expect(
            decided.incidents == [
                .init(existingID: 7, firstFireTime: fireTimes[2], lastFireTime: fireTimes[5], added: 3, resolvedAt: nil)
            ])
    }

    @Test func aStoredIncidentEndsWhenTheJobRanSinceItsLastDeadline() {
        let fireTimes = Self.minutes(1...3)
        let latest = MissedIncidents.Latest(id: 7, lastFireTime: fireTimes[2], isOpen: true)
        // Nothing new is due past the stored mark, but the job started after the deadline.
        let start = fireTimes[2].addingTimeInterval(61)
        let (decided, _) = Self.decide(fireTimes, starts: [start], latest: latest)
        #expect(
            decided.incidents == [
                .init(
                    existingID: 7, firstFireTime: fireTimes[2], lastFireTime: fireTimes[2], added: 0, resolvedAt: start)
            ])
        #expect(decided.missed == 0)
    }

    @Test func aStartInsideTheWindowMeetsTheFireTime() {
        let fireTimes = Self.minutes(1...1)
        for offset in [-60.0, 0, 59, 60] {
            let (decided, _) = Self.decide(fireTimes, starts: [fireTimes[0].addingTimeInterval(offset)])
            #expect(decided.incidents.isEmpty, "a start \(offset) s from the fire time meets it")
        }
        let (late, _) = Self.decide(fireTimes, starts: [fireTimes[0].addingTimeInterval(60.5)])
        #expect(late.missed == 1)
        #expect(late.incidents[0].resolvedAt == fireTimes[0].addingTimeInterval(60.5))
    }
}
