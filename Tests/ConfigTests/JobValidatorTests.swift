import Config
import Foundation
import Testing

/// One failing fixture per rule, with the exact file, line, column, rule and message
/// it must produce, and proof that a job with an error is left out of the result.
@Suite struct JobValidatorTests {
    /// Fixed, so daylight-saving warnings name the same dates every year.
    static let now = ISO8601DateFormatter().date(from: "2026-11-28T00:00:00Z")!

    static func validate(_ files: [(String, String)]) -> ValidationReport {
        JobValidator(now: now).validate(files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) })
    }

    static func lines(_ yaml: String, file: String = "jobs.d/a.yaml") -> [String] {
        validate([(file, yaml)]).diagnostics.map(\.description)
    }

    // MARK: - Errors

    @Test func yamlSyntaxPointsAtTheProblemAndExplainsUnquotedSchedules() {
        #expect(
            Self.lines("job_id: a\nschedule: */5 * * * *\n") == [
                "jobs.d/a.yaml:2:12: error: did not find expected alphabetic or numeric character (while scanning an alias "
                    + "at line 2); a schedule that starts with '*' must be quoted, as in schedule: \"*/5 * * * *\" [yaml-syntax]"
            ])
        let report = Self.validate([("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n---\njob_id: [b\n")])
        #expect(report.jobs.map(\.jobID) == ["a"], "documents before the broken one still count")
        #expect(report.diagnostics.map(\.rule) == [.yamlSyntax])
        #expect(report.diagnostics.first?.line == 5)
    }

    @Test func invalidUTF8IsASyntaxError() {
        let report = JobValidator(now: Self.now).validate([
            DefinitionFile(path: "jobs.d/a.yaml", contents: Data([0x6A, 0xFF, 0xFE]))
        ])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/a.yaml:1:1: error: the file is not valid UTF-8 text [yaml-syntax]"
            ])
    }

    @Test func aDocumentMustBeAMapping() {
        #expect(
            Self.lines("- job_id: a\n") == [
                "jobs.d/a.yaml:1:1: error: a job must be a mapping of keys such as job_id and schedule, found a list [not-a-mapping]"
            ])
        #expect(
            Self.lines("just words\n") == [
                "jobs.d/a.yaml:1:1: error: a job must be a mapping of keys such as job_id and schedule, found 'just words' [not-a-mapping]"
            ])
    }

    @Test func emptyDocumentsAreNotJobs() {
        let report = Self.validate([("jobs.d/a.yaml", "---\njob_id: a\nschedule: \"@daily\"\n---\n# nothing\n---\n")])
        #expect(report.diagnostics.isEmpty)
        #expect(report.jobCount == 1)
    }

    @Test func duplicateKey() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\njob_id: b\n") == [
                "jobs.d/a.yaml:3:1: error: key 'job_id' appears twice; the first is on line 1 [duplicate-key]"
            ])
    }

    @Test func unknownKeySuggestsTheNearest() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntimeZone: UTC\nschedul: x\nowner: me\n") == [
                "jobs.d/a.yaml:3:1: error: unknown key 'timeZone'; did you mean 'timezone'? [unknown-key]",
                "jobs.d/a.yaml:4:1: error: unknown key 'schedul'; did you mean 'schedule'? [unknown-key]",
                "jobs.d/a.yaml:5:1: error: unknown key 'owner' [unknown-key]",
            ])
    }

    @Test func missingRequiredKeys() {
        #expect(
            Self.lines("description: nothing else\n") == [
                "jobs.d/a.yaml:1:1: error: missing required key 'job_id' [missing-field]",
                "jobs.d/a.yaml:1:1: error: missing required key 'schedule' (a cron expression such as \"0 3 * * *\"), "
                    + "or 'every' for a job that pings at an interval (such as every: 1h) [missing-field]",
            ])
    }

    @Test func wrongTypes() {
        #expect(
            Self.lines("job_id: a\nschedule: [1]\n") == [
                "jobs.d/a.yaml:2:11: error: schedule must be a string, found a list [wrong-type]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\npaused: yes\nis_health_check: 1\n", file: "jobs.d/a.yaml") == [
                "jobs.d/a.yaml:3:9: error: paused must be true or false, found 'yes' [wrong-type]",
                "jobs.d/a.yaml:4:18: error: is_health_check must be true or false, found '1' [wrong-type]",
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntags: backup\n") == [
                "jobs.d/a.yaml:3:7: error: tags must be a list such as [backup, prod], found 'backup' [wrong-type]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntolerance: {minutes: 5}\n") == [
                "jobs.d/a.yaml:3:12: error: tolerance must be a number of minutes or a string such as \"15m\", found a mapping [wrong-type]"
            ])
    }

    @Test func invalidJobIDPointsAtTheCharacter() {
        #expect(
            Self.lines("job_id: \"my job\"\nschedule: \"@daily\"\n") == [
                "jobs.d/a.yaml:1:12: error: job_id 'my job' may contain only letters, digits, '_', '.' and '-'; ' ' is not allowed [invalid-job-id]"
            ])
        #expect(
            Self.lines("job_id: _a\nschedule: \"@daily\"\n") == [
                "jobs.d/a.yaml:1:9: error: job_id '_a' must start with a letter or digit; '_' is not allowed [invalid-job-id]"
            ])
        let long = String(repeating: "x", count: 129)
        #expect(
            Self.lines("job_id: \(long)\nschedule: \"@daily\"\n", file: "jobs.d/\(long).yaml").first?.hasSuffix(
                "is 129 characters long; the limit is 128 [invalid-job-id]") == true)
    }

    @Test func duplicateJobIDIsReportedAtTheLaterDefinition() {
        let report = Self.validate([
            ("jobs.d/a.yaml", "job_id: x\nschedule: \"@daily\"\n"),
            ("jobs.d/b.yaml", "# the same id again\njob_id: x\nschedule: \"@hourly\"\n"),
        ])
        #expect(
            report.diagnostics.map(\.description).filter { $0.contains("duplicate") } == [
                "jobs.d/b.yaml:2:9: error: job_id 'x' is already defined at jobs.d/a.yaml:1:9 [duplicate-job-id]"
            ])
        #expect(report.jobs.map(\.schedule) == ["@daily"])
    }

    @Test func cronSyntaxColumnIsInsideTheExpression() {
        // DESIGN.md §6: column 12 is where 61 starts.
        #expect(
            Self.lines("job_id: backup\ndescription: x\nschedule: \"61 * * * *\"\n", file: "jobs.d/backup.yaml") == [
                "jobs.d/backup.yaml:3:12: error: minute value 61 is out of range 0-59 [cron-syntax]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: 0 5-1 * * *\n") == [
                "jobs.d/a.yaml:2:13: error: hour range '5-1' runs backwards: its start is after its end [cron-syntax]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: '0 0 * * * *'\n") == [
                "jobs.d/a.yaml:2:22: error: expected 5 fields (minute hour day-of-month month day-of-week), found 6; "
                    + "six-field expressions with seconds or years are not supported [cron-syntax]"
            ])
    }

    @Test func scheduleThatNeverFires() {
        #expect(
            Self.lines("job_id: a\nschedule: \"0 0 30 2 *\"\n") == [
                "jobs.d/a.yaml:2:16: error: day-of-month never fires: day 30 does not occur in February [cron-never-fires]"
            ])
    }

    @Test func unknownTimezone() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntimezone: Europe/Berlim\n") == [
                "jobs.d/a.yaml:3:11: error: unknown time zone 'Europe/Berlim'; did you mean 'Europe/Berlin'? [unknown-timezone]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntimezone: PST\n") == [
                "jobs.d/a.yaml:3:11: error: 'PST' is an abbreviation, which does not say when daylight saving applies; "
                    + "use an IANA name such as 'America/Los_Angeles' [unknown-timezone]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntimezone: Mars/Olympus_Mons\n") == [
                "jobs.d/a.yaml:3:11: error: unknown time zone 'Mars/Olympus_Mons'; use an IANA name such as Europe/Berlin or America/New_York [unknown-timezone]"
            ])
    }

    @Test func invalidDurations() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntolerance: \"30\"\n") == [
                "jobs.d/a.yaml:3:12: error: tolerance: \"30\" has no unit; write 30 (a number, in minutes) or \"30m\" [invalid-duration]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\ntolerance: -5\n") == [
                "jobs.d/a.yaml:3:12: error: tolerance must not be negative, found -5m [invalid-duration]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nmax_runtime: 0\n") == [
                "jobs.d/a.yaml:3:14: error: max_runtime must be longer than 0, found 0m [invalid-duration]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nmax_runtime: 2 hours\n") == [
                "jobs.d/a.yaml:3:14: error: max_runtime: \"2 hours\" is not a duration; write minutes as a number (30) "
                    + "or a string with a unit: \"90s\", \"15m\", \"2h\", \"1d\" [invalid-duration]"
            ])
    }

    /// `tolerance: 500000000000` was accepted: a job could be late for millions of years.
    @Test func durationsAreCappedWithTheLimitAndWhatToWrite() {
        let tolerance = "write 31d or less, or set paused: true to stop watching the job [duration-too-long]"
        let maxRuntime = "write 31d or less, or leave max_runtime out for no limit [duration-too-long]"
        let cases = [
            ("tolerance: 500000000000", "3:12", "tolerance", "500000000000 minutes", tolerance),
            ("tolerance: 5000000000", "3:12", "tolerance", "3472222d5h20m", tolerance),
            ("tolerance: 1e300", "3:12", "tolerance", "1e300 minutes", tolerance),
            ("tolerance: 44641", "3:12", "tolerance", "31d1m", tolerance),
            ("max_runtime: 32d", "3:14", "max_runtime", "32d", maxRuntime),
            (
                "max_runtime: \"99999999999999999999999d\"", "3:14", "max_runtime", "\"99999999999999999999999d\"",
                maxRuntime
            ),
            (
                "max_runtime: \(String(repeating: "9", count: 400))", "3:14", "max_runtime",
                String(repeating: "9", count: 60) + "… minutes", maxRuntime
            ),
        ]
        for (line, position, field, found, advice) in cases {
            #expect(
                Self.lines("job_id: a\nschedule: \"@yearly\"\n\(line)\n") == [
                    "jobs.d/a.yaml:\(position): error: \(field) may be at most 31d (44640 minutes), found \(found); "
                        + advice
                ])
        }
        #expect(
            Self.lines("job_id: a\nschedule: \"@yearly\"\ntolerance: -1e300\n") == [
                "jobs.d/a.yaml:3:12: error: tolerance: -1e+300 minutes is out of range for a duration [invalid-duration]"
            ])
        let longest = Self.validate([
            ("jobs.d/a.yaml", "job_id: a\nschedule: \"@yearly\"\ntolerance: 31d\nmax_runtime: 44640\n")
        ])
        #expect(longest.diagnostics.isEmpty)
        #expect(longest.jobs.first?.tolerance == JobFieldRules.longestTolerance)
        #expect(longest.jobs.first?.maxRuntime == JobFieldRules.longestMaxRuntime)
    }

    /// YAML 1.2 writes numbers with exponents too; `inf` and hex stay refused.
    @Test func numbersWithExponentsAreMinutes() {
        let report = Self.validate([("jobs.d/a.yaml", "job_id: a\nschedule: \"@yearly\"\ntolerance: 1.5e2\n")])
        #expect(report.jobs.first?.tolerance == JobDuration(seconds: 9000))
        #expect(
            Self.lines("job_id: a\nschedule: \"@yearly\"\ntolerance: 0x10\n").first?.contains("[invalid-duration]")
                == true)
        #expect(
            Self.lines("job_id: a\nschedule: \"@yearly\"\ntolerance: inf\n").first?.contains("[invalid-duration]")
                == true)
    }

    // MARK: - User text in messages

    /// Whether a message could change a terminal or forge a line: any C0 or C1 control
    /// character, DEL included.
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// A definition that puts terminal escapes, line breaks and long text in every place
    /// a message quotes: each is quoted as a short, escaped excerpt.
    @Test func messagesQuoteUserTextAsShortEscapedExcerpts() {
        let long = String(repeating: "z", count: 500)
        let documents = [
            "job_id: a\nschedule: \"@daily\"\ntags: \"\\e[2J\\nforged: line\"\n",
            "job_id: a\nschedule: \"@daily\"\n\(long): 1\n",
            "\"\\e]0;pwned\\a\"\n",
            "job_id: \"a\\eb\"\nschedule: \"@daily\"\n",
            "job_id: a\nschedule: \"@daily\"\ntimezone: \"Europe/\\e[31m\\nRed\"\n",
            "job_id: a\nschedule: \"\(long) * * * *\"\n",
            "job_id: a\nschedule: \"0 0 * * MON\\e[2J/\"\n",
            "job_id: a\nschedule: \"@daily\"\ntolerance: \"\\e[2J\"\n",
        ]
        let lines = documents.map { Self.lines($0) }
        #expect(
            lines[0] == [
                #"jobs.d/a.yaml:3:7: error: tags must be a list such as [backup, prod], found '\u{1B}[2J\nforged: line' [wrong-type]"#
            ])
        #expect(
            lines[1] == ["jobs.d/a.yaml:3:1: error: unknown key '\(long.prefix(60))…' [unknown-key]"])
        #expect(
            lines[2] == [
                #"jobs.d/a.yaml:1:1: error: a job must be a mapping of keys such as job_id and schedule, found '\u{1B}]0;pwned\u{7}' [not-a-mapping]"#
            ])
        #expect(
            lines[3] == [
                #"jobs.d/a.yaml:1:11: error: job_id 'a\u{1B}b' may contain only letters, digits, '_', '.' and '-'; '\u{1B}' is not allowed [invalid-job-id]"#
            ])
        #expect(
            lines[4].count == 1 && lines[4][0].contains(#"unknown time zone 'Europe/\u{1B}[31m\nRed'"#), "\(lines[4])")
        #expect(
            lines[5] == ["jobs.d/a.yaml:2:12: error: minute '\(long.prefix(60))…' is not a number [cron-syntax]"])
        #expect(
            lines[6] == [
                #"jobs.d/a.yaml:2:28: error: day-of-week missing step after '/' in 'MON\u{1B}[2J/' [cron-syntax]"#
            ])
        #expect(
            lines[7].first?.hasPrefix(#"jobs.d/a.yaml:3:12: error: tolerance: "\u{1B}[2J" is not a duration"#) == true,
            "\(lines[7])")
        for document in documents {
            for diagnostic in Self.validate([("jobs.d/a.yaml", document)]).diagnostics {
                #expect(!Self.hasControlCharacters(diagnostic.message), "\(diagnostic.message)")
                #expect(!diagnostic.message.contains(long.prefix(61)), "\(diagnostic.message)")
            }
        }
    }

    /// `/proc/self/environ` holds NUL-separated variables on one line, which Yams' own
    /// error description would reprint whole: the message names the character instead.
    @Test func aSyntaxErrorDoesNotReprintTheLine() {
        let environment = "PATH=/usr/bin\u{0}CRONICLE_API_TOKEN=hunter2\u{0}HOME=/root\u{0}"
        let report = Self.validate([("jobs.d/a.yaml", environment)])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/a.yaml:1:14: error: control characters are not allowed (found U+0000) [yaml-syntax]"
            ])
        let duplicate = Self.validate([
            ("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n\"\\e[2J\": 1\n\"\\e[2J\": 2\n")
        ])
        #expect(duplicate.diagnostics.map(\.rule) == [.duplicateKey])
        #expect(duplicate.diagnostics.allSatisfy { !Self.hasControlCharacters($0.message) })
    }

    @Test func aJobWithAnyErrorIsLeftOut() {
        let report = Self.validate([("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\ntolerance: -1\n")])
        #expect(report.jobs.isEmpty)
        #expect(report.jobCount == 1)
        #expect(report.exitStatus(strict: false) == 1)
    }

    // MARK: - Warnings

    @Test func runsThatWouldOverlap() {
        #expect(
            Self.lines("job_id: a\nschedule: \"0 * * * *\"\nmax_runtime: 90m\n") == [
                "jobs.d/a.yaml:3:14: warning: max_runtime 1h30m is longer than the 1h between two runs of '0 * * * *'; "
                    + "runs would overlap [runs-overlap]"
            ])
        #expect(Self.lines("job_id: a\nschedule: \"0 9,17 * * *\"\nmax_runtime: 9h\n").isEmpty == false)
        #expect(Self.lines("job_id: a\nschedule: \"0 9,17 * * *\"\nmax_runtime: 8h\n").isEmpty)
    }

    @Test func toleranceAsLongAsTheGap() {
        #expect(
            Self.lines("job_id: a\nschedule: \"*/5 * * * *\"\ntolerance: 5\n") == [
                "jobs.d/a.yaml:3:12: warning: tolerance 5m is not shorter than the 5m between two runs of '*/5 * * * *'; "
                    + "a late start could not be told from the next run's [ambiguous-tolerance]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"* * * * *\"\n").isEmpty,
            "the default tolerance is not the author's choice")
    }

    @Test func maxRuntimeOnAHealthCheck() {
        #expect(
            Self.lines("job_id: a\nschedule: \"*/5 * * * *\"\nis_health_check: true\nmax_runtime: 1\n") == [
                "jobs.d/a.yaml:4:1: warning: max_runtime is ignored on a health check: a heartbeat has no end to wait for "
                    + "[ignored-max-runtime]"
            ])
    }

    @Test func fixedTimesThatDaylightSavingSkipsOrRepeats() {
        #expect(
            Self.lines("job_id: a\nschedule: \"30 2 * * *\"\ntimezone: Europe/Berlin\n") == [
                "jobs.d/a.yaml:2:11: warning: in Europe/Berlin, 02:30 does not exist on 2027-03-28 (clocks jump from 02:00 "
                    + "to 03:00); that run happens at 03:00 instead [dst-affected]",
                "jobs.d/a.yaml:2:11: warning: in Europe/Berlin, 02:30 happens twice on 2027-10-31 (clocks go back from 03:00 "
                    + "to 02:00); the job runs once, in the first pass [dst-affected]",
            ])
        #expect(Self.lines("job_id: a\nschedule: \"30 1 * * *\"\ntimezone: Europe/Berlin\n").isEmpty)
        #expect(
            Self.lines("job_id: a\nschedule: \"*/30 * * * *\"\ntimezone: Europe/Berlin\n").isEmpty,
            "wildcards are not warned")
        #expect(Self.lines("job_id: a\nschedule: \"30 2 * * *\"\n").isEmpty, "UTC has no daylight saving")
    }

    @Test func fileNameThatDoesNotMatchItsOnlyJob() {
        #expect(
            Self.lines("job_id: nightly_backup\nschedule: \"@daily\"\n", file: "jobs.d/backup.yaml") == [
                "jobs.d/backup.yaml:1:9: warning: file name 'backup' does not match job_id 'nightly_backup'; "
                    + "name the file nightly_backup.yaml [file-name-mismatch]"
            ])
        let twoJobs = "job_id: one\nschedule: \"@daily\"\n---\njob_id: two\nschedule: \"@daily\"\n"
        #expect(Self.lines(twoJobs, file: "jobs.d/pipeline.yaml").isEmpty)
    }

    @Test func strictTurnsWarningsIntoFailure() {
        let report = Self.validate([("jobs.d/b.yaml", "job_id: a\nschedule: \"@daily\"\n")])
        #expect(report.warningCount == 1)
        #expect(report.exitStatus(strict: false) == 0)
        #expect(report.exitStatus(strict: true) == 1)
    }

    // MARK: - The model

    @Test func definitionsKeepDefaultsAndPositions() throws {
        let yaml = """
            job_id: nightly_backup
            schedule: "0 0 * * *"
            timezone: Europe/Berlin
            tolerance: 30
            max_runtime: "1h30m"
            tags: [backup, prod]
            description: null
            """
        let report = Self.validate([("jobs.d/nightly_backup.yaml", yaml)])
        #expect(report.diagnostics.isEmpty)
        let job = try #require(report.jobs.first)
        #expect(job.tolerance == JobDuration(seconds: 1800))
        #expect(job.maxRuntime == JobDuration(seconds: 5400))
        #expect(job.isHealthCheck == false && job.paused == false)
        #expect(job.tags == ["backup", "prod"])
        #expect(job.description == nil)
        #expect(job.location == SourceLocation(file: "jobs.d/nightly_backup.yaml", line: 1, column: 1))
        #expect(
            job.fieldLocations[.schedule]?.key == SourceLocation(file: "jobs.d/nightly_backup.yaml", line: 2, column: 1)
        )
        #expect(
            job.fieldLocations[.schedule]?.value
                == SourceLocation(file: "jobs.d/nightly_backup.yaml", line: 2, column: 11))
        let defaults = Self.validate([("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n")]).jobs[0]
        #expect(
            defaults.timezone == "UTC" && defaults.tolerance == JobDuration(seconds: 60) && defaults.maxRuntime == nil)
    }
}
