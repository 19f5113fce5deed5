import Config
import Cron
import Foundation
import Testing

@testable import MonitorDomain

/// `Job` keeps its fields behind one shared reference: copies must still behave as
/// values, and the schedule it remembers must follow its definition.
@Suite struct JobTests {
    private func job() -> Job {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        return Job(
            definition: JobDefinition(jobID: "nightly_backup", schedule: "0 3 * * *", tags: ["db"]),
            createdAt: created, updatedAt: created, watchedSince: created)
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = job()
        var copy = original
        #expect(copy == original)
        copy.definition.tags.append("prod")
        copy.operatorPause = Job.OperatorPause(at: original.createdAt, by: "alice")
        copy.watchedSince = original.watchedSince.addingTimeInterval(60)
        #expect(original.definition.tags == ["db"])
        #expect(original.operatorPause == nil && !original.isPaused)
        #expect(original.watchedSince == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(copy.definition.tags == ["db", "prod"] && copy.isPaused)
        #expect(copy != original)
        #expect(Set([original, copy, job()]).count == 2, "equal jobs hash alike, different ones differ")
    }

    @Test func theRememberedScheduleFollowsTheDefinition() throws {
        var changed = job()
        let instant = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        let daily = try #require(changed.cronSchedule?.nextFireTime(after: instant))
        #expect(daily == instant.addingTimeInterval(19 * 3600), "03:00 the next day")
        let shared = changed
        changed.definition.schedule = "*/5 * * * *"
        let fiveMinutely = try #require(changed.cronSchedule?.nextFireTime(after: instant))
        #expect(fiveMinutely == instant.addingTimeInterval(300))
        #expect(shared.cronSchedule?.nextFireTime(after: instant) == daily, "the copy keeps its own schedule")
        changed.definition.schedule = "not a schedule"
        #expect(changed.cronSchedule == nil)
    }
}
