import Config
import Foundation
import Testing

/// Maintenance window documents (DESIGN 11.3): both forms read, every bad one refused
/// in words at its place, and a window that covers no job warned about.
@Suite struct WindowValidationTests {
    static let job = ("jobs.d/db_backup.yaml", "job_id: db_backup\nschedule: \"@daily\"\ntags: [db]\n")

    static func validate(_ yaml: String) -> ValidationReport {
        FolderDefaultsTests.validate([job, ("jobs.d/windows.yaml", yaml)])
    }

    static func lines(_ yaml: String) -> [String] { validate(yaml).diagnostics.map(\.description) }

    @Test func bothFormsAreRead() throws {
        let report = Self.validate(
            """
            window: db-upgrade
            description: Postgres 17
            start: 2026-12-05T02:00:00+01:00
            end: 2026-12-05T04:00:00+01:00
            match: {tags: [db]}
            ---
            window: sunday-vacuum
            schedule: "0 1 * * SUN"
            duration: 2h
            timezone: Europe/Berlin
            mode: skip
            """)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.windows.map(\.name) == ["db-upgrade", "sunday-vacuum"])
        let once = report.windows[0]
        #expect(once.mode == .suppress, "the default")
        let start = ISO8601DateFormatter().date(from: "2026-12-05T01:00:00Z")!
        #expect(once.occurrence(at: start) == DateInterval(start: start, duration: 7200))
        #expect(once.occurrence(at: start.addingTimeInterval(7200)) == nil, "the end is not inside")
        #expect(report.jobs.count == 1, "a windows file holds no job, and names no file mismatch")
    }

    /// New York falls back on 2026-11-01: 01:00-02:00 happens twice. A window opening at
    /// 01:30 (a fixed time) opens once, in the first pass (05:30Z), and its two hours run
    /// on the real clock, to 07:30Z, through the repeated hour.
    @Test func aRecurringWindowOpensOnceInARepeatedHour() throws {
        let report = Self.validate(
            "window: w\nschedule: \"30 1 * * *\"\nduration: 2h\ntimezone: America/New_York\nmatch: {tags: [db]}\n")
        let window = try #require(report.windows.first)
        func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
        let opening = DateInterval(start: at("2026-11-01T05:30:00Z"), end: at("2026-11-01T07:30:00Z"))
        #expect(window.occurrence(at: at("2026-11-01T05:29:59Z")) == nil)
        #expect(window.occurrence(at: at("2026-11-01T06:45:00Z")) == opening, "01:45 EST, the second pass")
        #expect(window.occurrence(at: at("2026-11-01T07:30:00Z")) == nil)
        #expect(
            window.currentOrNext(after: at("2026-11-01T07:30:00Z"))?.start == at("2026-11-02T06:30:00Z"),
            "the next day at 01:30 EST")
    }

    @Test func aWindowThatEndsBeforeItStarts() {
        #expect(
            Self.lines(
                "window: w\nstart: 2026-12-05T04:00:00+01:00\nend: 2026-12-05T02:00:00+01:00\nmatch: {tags: [db]}\n")
                == [
                    "jobs.d/windows.yaml:3:6: error: the window ends (2026-12-05T01:00:00Z) before it starts "
                        + "(2026-12-05T03:00:00Z); write an end after the start [invalid-window]"
                ])
        #expect(Self.validate("window: w\nstart: 2026-12-05T04:00:00Z\nend: 2026-12-05T04:00:00Z\n").windows.isEmpty)
    }

    @Test func badTimesAreRefusedInWords() {
        #expect(
            Self.lines("window: w\nstart: 2026-12-05T02:00:00\nend: 2026-12-05T04:00:00Z\n") == [
                "jobs.d/windows.yaml:2:8: error: start '2026-12-05T02:00:00' is not an instant with its offset; write "
                    + "one such as 2026-12-05T02:00:00+01:00 (or ...Z for UTC) [invalid-value]"
            ])
        #expect(
            Self.lines("window: w\nstart: 2026-12-05T02:00:00Z\nend: 2026-12-05T04:00:00Z\nschedule: \"@daily\"\n")
                == [
                    "jobs.d/windows.yaml:4:1: error: a window is one-off (start and end) or recurring (schedule and "
                        + "duration), not both: remove one [conflicting-fields]"
                ])
        #expect(
            Self.lines("window: w\nmatch: {tags: [db]}\n") == [
                "jobs.d/windows.yaml:1:1: error: a window needs its times: start: 2026-12-05T02:00:00+01:00 and end: "
                    + "2026-12-05T04:00:00+01:00, or schedule: \"0 1 * * SUN\" and duration: 2h [missing-field]"
            ])
        #expect(
            Self.lines("window: w\nschedule: \"0 1 * * SUN\"\nduration: 40d\n").first?.contains(
                "duration must be longer than 0 and at most 31d, found 40d") == true)
        #expect(
            Self.lines("window: w\nschedule: \"61 1 * * SUN\"\nduration: 1h\n") == [
                "jobs.d/windows.yaml:2:12: error: minute value 61 is out of range 0-59 [cron-syntax]"
            ])
        #expect(
            Self.lines("window: w\nschedule: \"@daily\"\nduration: 1h\nmode: silence\n") == [
                "jobs.d/windows.yaml:4:7: error: mode 'silence' is not one of suppress, skip; suppress (the default): "
                    + "alerts open but are notified only if still open when the window ends; skip: fire times inside "
                    + "the window are not expected [invalid-value]"
            ])
        #expect(
            Self.lines("window: w\nschedule: \"@daily\"\nduration: 1h\nmatchs: {}\n") == [
                "jobs.d/windows.yaml:4:1: error: unknown key 'matchs'; did you mean 'match'? [unknown-key]"
            ])
    }

    @Test func twoWindowsOfOneNameAndOneThatCoversNothing() {
        let report = Self.validate(
            "window: w\nschedule: \"@daily\"\nduration: 1h\n---\nwindow: w\nschedule: \"@daily\"\nduration: 2h\n"
                + "---\nwindow: nothing\nschedule: \"@daily\"\nduration: 1h\nmatch: {tags: [web]}\n")
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/windows.yaml:5:1: error: window 'w' is already defined at jobs.d/windows.yaml:1:1 "
                    + "[duplicate-window]",
                "jobs.d/windows.yaml:9:1: warning: window 'nothing' covers no job: its match selects none; fix the "
                    + "tags or job patterns, or remove the window [unused-window]",
            ])
    }
}
