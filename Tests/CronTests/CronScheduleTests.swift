import Cron
import Foundation
import Testing

/// Fire times written by hand from DESIGN.md §3 and §3.1, as local timestamps with
/// the zone's offset, so each case reads like a wall clock.
@Suite struct CronScheduleTests {
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.date(from: text)!
    }

    static func fires(_ text: String, _ zone: String = "UTC", after start: String, count: Int = 3) throws -> [String] {
        let schedule = CronSchedule(try CronExpression(text), timeZone: TimeZone(identifier: zone)!)
        return schedule.fireTimes(after: instant(start)).prefix(count).map(schedule.localTimestamp)
    }

    static func firesBefore(_ text: String, _ zone: String = "UTC", before start: String, count: Int = 3) throws
        -> [String]
    {
        let schedule = CronSchedule(try CronExpression(text), timeZone: TimeZone(identifier: zone)!)
        return schedule.fireTimes(after: instant(start), reverse: true).prefix(count).map(schedule.localTimestamp)
    }

    // MARK: - Calendar

    @Test func strictlyAfterAndStrictlyBefore() throws {
        #expect(try Self.fires("0 * * * *", after: "2026-11-28T06:00:00Z", count: 1) == ["2026-11-28T07:00:00Z"])
        #expect(try Self.fires("0 * * * *", after: "2026-11-28T05:59:59.500Z", count: 1) == ["2026-11-28T06:00:00Z"])
        #expect(try Self.firesBefore("0 * * * *", before: "2026-11-28T06:00:00Z", count: 1) == ["2026-11-28T05:00:00Z"])
        #expect(
            try Self.firesBefore("0 * * * *", before: "2026-11-28T06:00:00.250Z", count: 1) == ["2026-11-28T06:00:00Z"])
    }

    @Test func everyMinuteAndSteps() throws {
        #expect(
            try Self.fires("* * * * *", after: "2026-12-31T23:58:30Z") == [
                "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z",
            ])
        #expect(
            try Self.fires("1-30/7 * * * *", after: "2026-11-28T10:20:00Z", count: 4) == [
                "2026-11-28T10:22:00Z", "2026-11-28T10:29:00Z", "2026-11-28T11:01:00Z", "2026-11-28T11:08:00Z",
            ])
        #expect(
            try Self.fires("5/20 * * * *", after: "2026-11-28T10:00:00Z") == [
                "2026-11-28T10:05:00Z", "2026-11-28T10:25:00Z", "2026-11-28T10:45:00Z",
            ])
    }

    @Test func leapYears() throws {
        #expect(
            try Self.fires("0 0 29 2 *", after: "2021-01-01T00:00:00Z", count: 3) == [
                "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z",
            ])
        #expect(try Self.fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 1) == ["2104-02-29T00:00:00Z"])
        #expect(
            try Self.firesBefore("0 0 29 2 *", before: "2024-01-01T00:00:00Z", count: 2) == [
                "2020-02-29T00:00:00Z", "2016-02-29T00:00:00Z",
            ])
        #expect(
            try Self.fires("0 0 L 2 *", after: "2099-01-01T00:00:00Z", count: 2) == [
                "2099-02-28T00:00:00Z", "2100-02-28T00:00:00Z",
            ])
    }

    @Test func monthEnds() throws {
        #expect(
            try Self.fires("0 0 31 * *", after: "2021-04-01T00:00:00Z", count: 3) == [
                "2021-05-31T00:00:00Z", "2021-07-31T00:00:00Z", "2021-08-31T00:00:00Z",
            ])
        #expect(
            try Self.fires("0 0 L * *", after: "2024-01-31T00:00:00Z", count: 3) == [
                "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z",
            ])
        // 2021-07-31 is a Saturday and 2021-10-31 a Sunday: the last weekday is the Friday before.
        #expect(
            try Self.fires("0 0 LW * *", after: "2021-07-01T00:00:00Z", count: 4) == [
                "2021-07-30T00:00:00Z", "2021-08-31T00:00:00Z", "2021-09-30T00:00:00Z", "2021-10-29T00:00:00Z",
            ])
    }

    @Test func weekdaysNthAndLast() throws {
        // November 2026 starts on a Sunday and ends on a Monday.
        #expect(
            try Self.fires("0 9 * * 1#2", after: "2026-11-01T00:00:00Z", count: 2) == [
                "2026-11-09T09:00:00Z", "2026-12-14T09:00:00Z",
            ])
        #expect(
            try Self.fires("0 9 * * 5L", after: "2026-11-01T00:00:00Z", count: 2) == [
                "2026-11-27T09:00:00Z", "2026-12-25T09:00:00Z",
            ])
        #expect(
            try Self.fires("0 9 * * 0#5", after: "2026-11-01T00:00:00Z", count: 2) == [
                "2026-11-29T09:00:00Z", "2027-01-31T09:00:00Z",
            ])
        #expect(try Self.fires("0 0 * * 7", after: "2026-11-28T00:00:00Z", count: 1) == ["2026-11-29T00:00:00Z"])
    }

    @Test func nameRanges() throws {
        #expect(
            try Self.fires("30 6 * JAN-MAR mon-fri", after: "2026-03-27T12:00:00Z", count: 3) == [
                "2026-03-30T06:30:00Z", "2026-03-31T06:30:00Z", "2027-01-01T06:30:00Z",
            ])
        #expect(
            try Self.fires("0 0 * * FRI-7", after: "2026-11-26T12:00:00Z", count: 4) == [
                "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", "2026-12-04T00:00:00Z",
            ])
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 1st or any Monday. November 2026: Mondays are the 2nd, 9th...
        #expect(
            try Self.fires("0 0 1 * MON", after: "2026-10-31T12:00:00Z", count: 3) == [
                "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-09T00:00:00Z",
            ])
        // Day-of-month starts with '*': both must match, odd days that are Mondays.
        #expect(
            try Self.fires("0 0 */2 * MON", after: "2026-11-01T00:00:00Z", count: 3) == [
                "2026-11-09T00:00:00Z", "2026-11-23T00:00:00Z", "2026-12-07T00:00:00Z",
            ])
    }

    @Test func macros() throws {
        #expect(try Self.fires("@weekly", after: "2026-11-28T00:00:00Z", count: 1) == ["2026-11-29T00:00:00Z"])
        #expect(try Self.fires("@yearly", after: "2026-11-28T00:00:00Z", count: 1) == ["2027-01-01T00:00:00Z"])
        #expect(try Self.fires("@monthly", after: "2026-11-28T00:00:00Z", count: 1) == ["2026-12-01T00:00:00Z"])
    }

    // MARK: - Daylight saving time, DESIGN.md §3.1

    @Test func newYorkSpringForward() throws {
        // 2021-03-14 02:00 EST becomes 03:00 EDT.
        #expect(
            try Self.fires("30 2 * * *", "America/New_York", after: "2021-03-13T12:00:00-05:00") == [
                "2021-03-14T03:00:00-04:00", "2021-03-15T02:30:00-04:00", "2021-03-16T02:30:00-04:00",
            ])
        // Two slots in the gap land on the same minute and fire once.
        #expect(
            try Self.fires("0,30 2 * * *", "America/New_York", after: "2021-03-13T12:00:00-05:00") == [
                "2021-03-14T03:00:00-04:00", "2021-03-15T02:00:00-04:00", "2021-03-15T02:30:00-04:00",
            ])
        // A slot at 03:00 itself coincides with the gap's and fires once too.
        #expect(
            try Self.fires("30 2,3 * * *", "America/New_York", after: "2021-03-14T00:00:00-05:00") == [
                "2021-03-14T03:00:00-04:00", "2021-03-14T03:30:00-04:00", "2021-03-15T02:30:00-04:00",
            ])
        // Wildcard schedules skip the missing times.
        #expect(
            try Self.fires("*/30 * * * *", "America/New_York", after: "2021-03-14T01:00:00-05:00") == [
                "2021-03-14T01:30:00-05:00", "2021-03-14T03:00:00-04:00", "2021-03-14T03:30:00-04:00",
            ])
        #expect(
            try Self.firesBefore("30 2 * * *", "America/New_York", before: "2021-03-15T00:00:00-04:00", count: 2) == [
                "2021-03-14T03:00:00-04:00", "2021-03-13T02:30:00-05:00",
            ])
    }

    @Test func newYorkFallBack() throws {
        // 2021-11-07 02:00 EDT becomes 01:00 EST: 01:00-01:59 happen twice.
        #expect(
            try Self.fires("0 * * * *", "America/New_York", after: "2021-11-07T00:30:00-04:00", count: 4) == [
                "2021-11-07T01:00:00-04:00", "2021-11-07T01:00:00-05:00", "2021-11-07T02:00:00-05:00",
                "2021-11-07T03:00:00-05:00",
            ])
        #expect(
            try Self.fires("30 1 * * *", "America/New_York", after: "2021-11-07T00:00:00-04:00", count: 2) == [
                "2021-11-07T01:30:00-04:00", "2021-11-08T01:30:00-05:00",
            ])
        // Asked from inside the second pass: the first-pass 01:45 is already past.
        #expect(
            try Self.fires("45 1 * * *", "America/New_York", after: "2021-11-07T01:30:00-05:00", count: 1) == [
                "2021-11-08T01:45:00-05:00"
            ])
        #expect(
            try Self.firesBefore("45 1 * * *", "America/New_York", before: "2021-11-07T01:30:00-05:00", count: 1) == [
                "2021-11-07T01:45:00-04:00"
            ])
        #expect(
            try Self.fires("45 * * * *", "America/New_York", after: "2021-11-07T01:30:00-05:00", count: 1) == [
                "2021-11-07T01:45:00-05:00"
            ])
        #expect(
            try Self.firesBefore("*/30 1 * * *", "America/New_York", before: "2021-11-07T02:00:00-05:00", count: 5) == [
                "2021-11-07T01:30:00-05:00", "2021-11-07T01:00:00-05:00", "2021-11-07T01:30:00-04:00",
                "2021-11-07T01:00:00-04:00", "2021-11-06T01:30:00-04:00",
            ])
    }

    @Test func berlinAndRiga() throws {
        // Berlin: 2021-03-28 02:00 CET -> 03:00 CEST; 2021-10-31 03:00 CEST -> 02:00 CET.
        #expect(
            try Self.fires("30 2 * * *", "Europe/Berlin", after: "2021-03-27T12:00:00+01:00", count: 2) == [
                "2021-03-28T03:00:00+02:00", "2021-03-29T02:30:00+02:00",
            ])
        #expect(
            try Self.fires("30 2 * * *", "Europe/Berlin", after: "2021-10-30T12:00:00+02:00", count: 2) == [
                "2021-10-31T02:30:00+02:00", "2021-11-01T02:30:00+01:00",
            ])
        #expect(
            try Self.fires("*/30 2 * * *", "Europe/Berlin", after: "2021-10-31T01:00:00+02:00", count: 5) == [
                "2021-10-31T02:00:00+02:00", "2021-10-31T02:30:00+02:00", "2021-10-31T02:00:00+01:00",
                "2021-10-31T02:30:00+01:00", "2021-11-01T02:00:00+01:00",
            ])
        // Riga changes at the same instant, an hour later on its clocks: 03:00 EET -> 04:00 EEST.
        #expect(
            try Self.fires("30 3 * * *", "Europe/Riga", after: "2021-03-27T12:00:00+02:00", count: 2) == [
                "2021-03-28T04:00:00+03:00", "2021-03-29T03:30:00+03:00",
            ])
        #expect(
            try Self.fires("30 3 * * *", "Europe/Riga", after: "2021-10-30T12:00:00+03:00", count: 2) == [
                "2021-10-31T03:30:00+03:00", "2021-11-01T03:30:00+02:00",
            ])
    }

    @Test func lordHoweShiftsByHalfAnHour() throws {
        // 2021-10-03 02:00 +10:30 -> 02:30 +11:00; 2022-04-03 02:00 +11:00 -> 01:30 +10:30.
        #expect(
            try Self.fires("0,15 2 * * *", "Australia/Lord_Howe", after: "2021-10-02T12:00:00+10:30") == [
                "2021-10-03T02:30:00+11:00", "2021-10-04T02:00:00+11:00", "2021-10-04T02:15:00+11:00",
            ])
        #expect(
            try Self.fires("*/15 2 * * *", "Australia/Lord_Howe", after: "2021-10-03T01:00:00+10:30") == [
                "2021-10-03T02:30:00+11:00", "2021-10-03T02:45:00+11:00", "2021-10-04T02:00:00+11:00",
            ])
        #expect(
            try Self.fires("45 1 * * *", "Australia/Lord_Howe", after: "2022-04-02T12:00:00+11:00", count: 2) == [
                "2022-04-03T01:45:00+11:00", "2022-04-04T01:45:00+10:30",
            ])
        #expect(
            try Self.fires("45 * * * *", "Australia/Lord_Howe", after: "2022-04-03T01:00:00+11:00", count: 3) == [
                "2022-04-03T01:45:00+11:00", "2022-04-03T01:45:00+10:30", "2022-04-03T02:45:00+10:30",
            ])
    }

    @Test func chathamChangesAtQuarterTo() throws {
        // 2021-09-26 02:45 +12:45 -> 03:45 +13:45; 2022-04-03 03:45 +13:45 -> 02:45 +12:45.
        #expect(
            try Self.fires("0 3 * * *", "Pacific/Chatham", after: "2021-09-25T12:00:00+12:45", count: 2) == [
                "2021-09-26T03:45:00+13:45", "2021-09-27T03:00:00+13:45",
            ])
        #expect(
            try Self.fires("0 3 * * *", "Pacific/Chatham", after: "2022-04-02T12:00:00+13:45", count: 2) == [
                "2022-04-03T03:00:00+13:45", "2022-04-04T03:00:00+12:45",
            ])
    }

    @Test func apiaSkippedAWholeDay() throws {
        // Samoa went from 2011-12-29 23:59 -10:00 straight to 2011-12-31 00:00 +14:00.
        #expect(
            try Self.fires("0 12 * * *", "Pacific/Apia", after: "2011-12-29T00:00:00-10:00") == [
                "2011-12-29T12:00:00-10:00", "2011-12-31T00:00:00+14:00", "2011-12-31T12:00:00+14:00",
            ])
        #expect(
            try Self.fires("0 0 * * *", "Pacific/Apia", after: "2011-12-29T12:00:00-10:00", count: 2) == [
                "2011-12-31T00:00:00+14:00", "2012-01-01T00:00:00+14:00",
            ])
        #expect(
            try Self.fires("0 * * * *", "Pacific/Apia", after: "2011-12-29T22:30:00-10:00", count: 3) == [
                "2011-12-29T23:00:00-10:00", "2011-12-31T00:00:00+14:00", "2011-12-31T01:00:00+14:00",
            ])
        #expect(
            try Self.fires("0 12 30 12 *", "Pacific/Apia", after: "2011-12-01T00:00:00-10:00", count: 2) == [
                "2011-12-31T00:00:00+14:00", "2012-12-30T12:00:00+14:00",
            ])
    }

    @Test func utcHasNoSpecialCases() throws {
        #expect(
            try Self.fires("30 2 * * *", after: "2021-03-14T00:00:00Z", count: 2) == [
                "2021-03-14T02:30:00Z", "2021-03-15T02:30:00Z",
            ])
    }

    // MARK: - Range

    @Test func noFireTimesOutsideTheSupportedYears() throws {
        let schedule = CronSchedule(try CronExpression("0 0 * * *"))
        #expect(schedule.nextFireTime(after: Self.instant("2399-12-31T12:00:00Z")) == nil)
        #expect(schedule.previousFireTime(before: Self.instant("1900-01-01T00:00:00Z")) == nil)
        #expect(schedule.nextFireTime(after: Self.instant("2399-12-30T12:00:00Z")) != nil)
    }
}

@Suite struct CronIntervalTests {
    @Test(arguments: [
        ("* * * * *", 1), ("*/5 * * * *", 5), ("0 * * * *", 60), ("0 9,17 * * *", 480), ("0 9 * * *", 1440),
        ("0 9 * * MON-FRI", 1440), ("0 9 * * MON", 10_080), ("0 0 1 * *", 28 * 1440), ("50 23 * * *", 1440),
        ("0,59 0 * * *", 59), ("0 23 * * 5", 10_080), ("0 0 L * *", 28 * 1440),
    ])
    func shortestWallClockGap(expression: String, minutes: Int) throws {
        #expect(try CronExpression(expression).shortestInterval == minutes)
    }

    @Test func clockChangesThatMoveAFixedTime() throws {
        let schedule = CronSchedule(try CronExpression("30 2 * * *"), timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let changes = schedule.clockChanges(
            from: CronScheduleTests.instant("2026-11-28T00:00:00Z"),
            to: CronScheduleTests.instant("2027-11-28T00:00:00Z"))
        #expect(changes.map(\.kind) == [.skipped, .repeated])
        #expect(
            changes.map { "\($0.date) \($0.time) \($0.clocksFrom)->\($0.clocksTo)" } == [
                "2027-03-28 02:30 02:00->03:00", "2027-10-31 02:30 03:00->02:00",
            ])
        let safe = CronSchedule(try CronExpression("30 4 * * *"), timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(
            safe.clockChanges(
                from: CronScheduleTests.instant("2026-11-28T00:00:00Z"),
                to: CronScheduleTests.instant("2027-11-28T00:00:00Z")
            ).isEmpty)
    }
}
