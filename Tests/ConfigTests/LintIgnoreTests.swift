import Config
import Foundation
import Testing

/// Accepted warnings (DESIGN 12): `lint: {ignore: [...]}` in a job and `validate
/// --ignore`; an ignore that silences nothing is itself a warning.
@Suite struct LintIgnoreTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-28T00:00:00Z")!

    static func validate(_ text: String, ignoring: Set<LintRule> = []) -> ValidationReport {
        JobValidator(now: now, ignoring: ignoring).validate([
            DefinitionFile(path: "jobs.d/nightly.yaml", contents: Data(text.utf8))
        ])
    }

    static let berlin = "job_id: nightly\nschedule: \"0 2 * * *\"\ntimezone: Europe/Berlin\n"

    @Test func aJobAcceptsItsOwnWarnings() {
        #expect(Self.validate(Self.berlin).diagnostics.map(\.rule) == [.daylightSaving, .daylightSaving])
        let accepted = Self.validate(Self.berlin + "lint:\n  ignore: [dst-affected]\n")
        #expect(accepted.diagnostics.isEmpty)
        #expect(accepted.jobs.map(\.jobID) == ["nightly"])
    }

    @Test func anIgnoreThatSilencesNothingIsAWarning() {
        let report = Self.validate("job_id: nightly\nschedule: \"@daily\"\nlint: {ignore: [dst-affected]}\n")
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/nightly.yaml:3:17: warning: lint.ignore lists dst-affected, but job 'nightly' has no such "
                    + "warning; remove it [unused-ignore]"
            ])
    }

    @Test func errorsAndUnknownRulesCannotBeIgnored() {
        let report = Self.validate(
            "job_id: nightly\nschedule: \"@daily\"\nlint: {ignore: [cron-syntax, dst-afected], skip: true}\n")
        let messages = report.diagnostics.map(\.description)
        #expect(report.jobs.isEmpty, "a job with an error in lint is not applied")
        #expect(messages.count == 3, "\(messages)")
        #expect(
            messages.contains {
                $0.hasPrefix(
                    "jobs.d/nightly.yaml:3:17: error: cron-syntax is an error, and errors cannot be ignored: fix the "
                        + "job instead. Warnings that can be: runs-overlap")
            })
        #expect(
            messages.contains {
                $0.hasPrefix(
                    "jobs.d/nightly.yaml:3:30: error: 'dst-afected' is not a rule id; did you mean "
                        + "'dst-affected'?")
            })
        #expect(messages.contains { $0.contains("unknown key 'skip'") })
    }

    @Test func theCommandLineIgnoresARuleEverywhere() {
        let report = Self.validate(Self.berlin, ignoring: [.daylightSaving])
        #expect(report.diagnostics.isEmpty)
        let unused = Self.validate(Self.berlin, ignoring: [.daylightSaving, .runsOverlap])
        #expect(
            unused.diagnostics.map(\.description) == [
                "--ignore:1:1: warning: --ignore runs-overlap silences nothing here; remove it [unused-ignore]"
            ])
    }
}
