import Cron
import CronicleTestSupport
import Foundation
import Testing

/// The engine against ``ReferenceSchedule`` on thousands of random expressions,
/// zones and instants, half of them within hours of a daylight-saving transition.
/// Seeded: a failure names its inputs and happens again on every run.
@Suite struct CronDifferentialTests {
    static let zones = [
        "UTC", "America/New_York", "Europe/Berlin", "Europe/Riga", "Australia/Lord_Howe", "Pacific/Chatham",
        "Pacific/Apia", "Asia/Kolkata", "Asia/Kathmandu", "America/Sao_Paulo", "America/Santiago", "Asia/Tehran",
        "Europe/Dublin", "Pacific/Auckland", "Australia/Adelaide", "America/St_Johns", "America/Havana",
        "Africa/Casablanca", "Asia/Gaza",
    ]

    /// 1971-01-01 through 2099-12-31.
    static let instants = 31_536_000...4_102_358_400

    static func randomInstant(in zone: TimeZone, using random: inout SeededGenerator) -> Int {
        let uniform = Int.random(in: instants, using: &random)
        guard Bool.random(using: &random),
            let transition = zone.nextDaylightSavingTimeTransition(
                after: Date(timeIntervalSince1970: TimeInterval(uniform))),
            instants.contains(Int(transition.timeIntervalSince1970))
        else { return uniform }
        let shift = Int.random(in: -3 * 3600...3 * 3600, using: &random)
        return Int(transition.timeIntervalSince1970) + (Bool.random(using: &random) ? shift / 60 * 60 : shift)
    }

    @Test(arguments: 0..<8)
    func agreesWithTheReference(batch: Int) throws {
        var random = SeededGenerator(seed: 0xC0FFEE &+ UInt64(batch))
        var compared = 0
        for _ in 0..<250 {
            let zone = TimeZone(identifier: Self.zones.randomElement(using: &random)!)!
            let generated = RandomCronExpression.make(timeZone: zone, using: &random)
            let expression: CronExpression
            do throws(CronParseError) {
                expression = try CronExpression(generated.text)
            } catch {
                #expect(error.kind == .neverFires, "'\(generated.text)' was rejected: \(error)")
                #expect(
                    generated.reference.next(after: 946_684_800, searchDays: 146_097) == nil,
                    "'\(generated.text)' was rejected as never firing, but the reference finds a fire time")
                continue
            }
            #expect(expression.isFixedTime == generated.reference.isFixedTime, "\(generated.text)")
            let schedule = CronSchedule(expression, timeZone: zone)
            let instant = Self.randomInstant(in: zone, using: &random)
            let date = Date(timeIntervalSince1970: TimeInterval(instant))

            let next = schedule.nextFireTime(after: date).map { Int($0.timeIntervalSince1970) }
            #expect(
                next == generated.reference.next(after: instant, searchDays: 366 * 60),
                "next: '\(generated.text)' in \(zone.identifier) after \(instant)")
            let previous = schedule.previousFireTime(before: date).map { Int($0.timeIntervalSince1970) }
            #expect(
                previous == generated.reference.previous(before: instant, searchDays: 366 * 60),
                "previous: '\(generated.text)' in \(zone.identifier) before \(instant)")
            compared += 1
        }
        #expect(compared > 200, "most generated expressions must be valid; only \(compared) of 250 were")
    }
}
