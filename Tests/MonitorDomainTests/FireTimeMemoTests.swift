import Config
import Cron
import Foundation
import MonitorDomain
import Testing

/// A job answers fire-time questions from its recent answers when they cover them
/// (`FireTimeMemo`): every answer must be the one its schedule computes afresh.
@Suite struct FireTimeMemoTests {
    @Test(arguments: [
        ("*/15 * * * *", "UTC"), ("30 2 * * *", "America/New_York"), ("0 * * * *", "Europe/Berlin"),
        ("0 9 * * 1#2", "Australia/Sydney"), ("15 10 L * *", "Asia/Kolkata"), ("30 1 * * *", "America/New_York"),
        ("*/20 * * * *", "Europe/Berlin"),
    ])
    func rememberedAnswersAreTheComputedOnes(expression: String, zone: String) throws {
        var definition = JobDefinition(jobID: "job", schedule: expression)
        definition.timezone = zone
        let created = Date(timeIntervalSince1970: 0)
        let job = Job(definition: definition, createdAt: created, updatedAt: created, watchedSince: created)
        let schedule = try #require(job.cronSchedule)
        var generator = SystemRandomNumberGenerator()
        // Questions near each other (as a status asks them, seconds apart), around fire
        // times and the clock changes of 2021 and 2026 in New York, Berlin and Sydney
        // (fixed times in repeated and skipped hours among them), and far apart; whole and
        // half seconds.
        var instants: [Double] = []
        for base in [
            1_615_705_200.0, 1_636_264_800, 1_772_953_200, 1_793_512_800, 1_774_746_000, 1_792_890_000,
            1_775_318_400, 1_791_043_200,
        ] {
            instants += (0..<150).map { _ in base + Double(Int.random(in: -7_200...7_200, using: &generator)) }
        }
        instants += (0..<100).map { _ in Double(Int.random(in: 0...4_000_000_000, using: &generator)) }
        instants += instants.map { $0 + 0.5 }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            let next = job.nextFireTime(after: date)
            #expect(next == schedule.nextFireTime(after: date), "next after \(instant)")
            #expect(job.previousFireTime(before: date) == schedule.previousFireTime(before: date), "\(instant)")
            // The same question again, now answered from memory, and the questions asked at
            // the answer itself (the fire time after the next one, as a status asks).
            #expect(job.nextFireTime(after: date) == next, "again, \(instant)")
            if let next {
                #expect(job.nextFireTime(after: next) == schedule.nextFireTime(after: next), "after \(next)")
                #expect(job.previousFireTime(before: next) == schedule.previousFireTime(before: next), "\(next)")
            }
        }
    }

    @Test func aJobWithoutACronScheduleHasNoFireTimes() {
        let definition = JobDefinition(jobID: "beat", schedule: nil, every: JobDuration(seconds: 300))
        let job = Job(definition: definition, createdAt: Date(), updatedAt: Date(), watchedSince: Date())
        #expect(job.nextFireTime(after: Date()) == nil && job.previousFireTime(before: Date()) == nil)
    }

    @Test func aChangedScheduleForgetsTheOldAnswers() throws {
        var job = Job(
            definition: JobDefinition(jobID: "job", schedule: "0 * * * *"), createdAt: Date(), updatedAt: Date(),
            watchedSince: Date())
        let noon = try #require(ISO8601DateFormatter().date(from: "2026-12-01T12:00:30Z"))
        #expect(job.nextFireTime(after: noon) == noon.addingTimeInterval(3_570))
        job.definition.schedule = "*/5 * * * *"
        #expect(job.nextFireTime(after: noon) == noon.addingTimeInterval(270))
    }
}
