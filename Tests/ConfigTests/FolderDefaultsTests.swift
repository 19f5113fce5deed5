import Config
import Foundation
import Testing

/// `_defaults.yaml` files (DESIGN 11.2): the nearest folder wins, a job's own value wins
/// over every default, lists are merged, and a bad defaults file is refused in words.
@Suite struct FolderDefaultsTests {
    static func validate(_ files: [(String, String)]) -> ValidationReport {
        JobValidator(now: JobValidatorTests.now).validate(
            files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) })
    }

    static let tree: [(String, String)] = [
        (
            "jobs.d/_defaults.yaml",
            "defaults:\n  tolerance: 10m\n  tags: [company]\n  timezone: Europe/Berlin\n  labels: {owner: ops}\n"
        ),
        (
            "jobs.d/billing/_defaults.yaml",
            "defaults:\n  tolerance: 20m\n  max_runtime: 2h\n  tags: [billing]\n  notify: [billing-chat]\n"
                + "  failure_threshold: 3\n  labels: {team: billing}\n"
        ),
        ("jobs.d/billing/invoices.yaml", "job_id: invoices\nschedule: \"@daily\"\ntags: [pdf]\nmax_runtime: 30m\n"),
        ("jobs.d/billing/eu/vat.yaml", "job_id: vat\nschedule: \"@daily\"\nlabels: {team: tax}\n"),
        ("jobs.d/backup.yaml", "job_id: backup\nschedule: \"@daily\"\ntimezone: UTC\n"),
        ("jobs.d/chat.yaml", "channel: billing-chat\ntype: webhook\nurl: ${env:CHAT_URL}\n"),
    ]

    @Test func theNearestFolderWinsAndTheJobsOwnValueWinsOverAll() throws {
        let report = Self.validate(Self.tree)
        #expect(report.errorCount == 0, "\(report.diagnostics)")
        let jobs = Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.jobID, $0) })
        let invoices = try #require(jobs["invoices"])
        #expect(invoices.tolerance == JobDuration(seconds: 1200), "billing's 20m, nearer than the root's 10m")
        #expect(invoices.maxRuntime == JobDuration(seconds: 1800), "its own 30m over billing's 2h")
        #expect(invoices.timezone == "Europe/Berlin", "from the root, which billing does not set")
        #expect(invoices.tags == ["company", "billing", "pdf"], "merged, farthest first, its own last")
        #expect(invoices.notify == ["billing-chat"] && invoices.failureThreshold == 3)
        #expect(invoices.labels == ["owner": "ops", "team": "billing"])
        #expect(invoices.defaultedFields[.tolerance]?.description == "jobs.d/billing/_defaults.yaml:2:14")
        #expect(invoices.defaultedFields[.maxRuntime] == nil, "its own value")
        #expect(invoices.defaultedFields[.timezone]?.description == "jobs.d/_defaults.yaml:4:13")

        let vat = try #require(jobs["vat"])
        #expect(vat.tolerance == JobDuration(seconds: 1200) && vat.maxRuntime == JobDuration(seconds: 7200))
        #expect(vat.labels == ["owner": "ops", "team": "tax"], "labels merge by name, its own winning")

        let backup = try #require(jobs["backup"])
        #expect(backup.timezone == "UTC" && backup.tolerance == JobDuration(seconds: 600))
        #expect(backup.maxRuntime == nil && backup.notify.isEmpty, "billing's defaults stay in billing")
    }

    @Test func aDefaultFeedsTheRulesThatNeedIt() {
        // The defaults' min_runtime against the job's max_runtime, and an unknown channel.
        let report = Self.validate([
            ("jobs.d/_defaults.yaml", "defaults:\n  min_runtime: 1h\n  notify: [nowhere]\n"),
            ("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\nmax_runtime: 30m\n"),
            ("jobs.d/b.yaml", "job_id: b\nschedule: \"@daily\"\n"),
        ])
        #expect(report.jobs.isEmpty)
        #expect(
            report.diagnostics.map(\.rule).sorted { $0.rawValue < $1.rawValue } == [
                .conflictingFields, .unknownChannel,
            ]
        )
        // Each at the place to fix: the job's max_runtime, and once at the defaults' notify.
        #expect(
            Set(report.diagnostics.map { "\($0.file):\($0.line) \($0.rule.rawValue)" }) == [
                "jobs.d/a.yaml:3 conflicting-fields", "jobs.d/_defaults.yaml:3 unknown-channel",
            ])
    }

    @Test func aDefaultsFileThatSetsWhatEachJobMustSetItself() {
        let report = Self.validate([
            (
                "jobs.d/_defaults.yaml",
                "defaults:\n  job_id: x\n  schedule: \"@daily\"\n  ping_uuid: abc\n  tags: [a]\n"
            ),
            ("jobs.d/a.yaml", "job_id: a\nschedule: \"@daily\"\n"),
        ])
        #expect(
            report.diagnostics.map(\.description) == [
                "jobs.d/_defaults.yaml:2:3: error: job_id cannot be a default: each job names itself in its own "
                    + "file; remove it from _defaults.yaml [invalid-defaults]",
                "jobs.d/_defaults.yaml:3:3: error: schedule cannot be a default: each job says when it runs in its "
                    + "own file; remove it from _defaults.yaml [invalid-defaults]",
                "jobs.d/_defaults.yaml:4:3: error: ping_uuid cannot be a default: each job needs a ping URL of its "
                    + "own; remove it from _defaults.yaml [invalid-defaults]",
            ])
        #expect(report.jobs.first?.tags == [], "a defaults file with an error gives nothing")
    }

    @Test func badDefaultsFilesAreRefusedInWords() {
        #expect(
            Self.validate([("jobs.d/_defaults.yaml", "job_id: a\nschedule: \"@daily\"\n")]).diagnostics.map(
                \.description) == [
                    "jobs.d/_defaults.yaml:1:1: error: a _defaults.yaml file holds only the defaults of the jobs in "
                        + "its folder and below (defaults: {max_runtime: 2h, tags: [billing]}); define a job in a file "
                        + "of its own [invalid-defaults]"
                ])
        #expect(
            Self.validate([("jobs.d/_defaults.yaml", "defaults:\n  tolerance: \"30\"\n")]).diagnostics.first?.rule
                == .invalidDuration, "each field by the job's rules")
        #expect(
            Self.validate([("jobs.d/_defaults.yaml", "default:\n  tolerance: 5m\n")]).diagnostics.map(\.description)
                == ["jobs.d/_defaults.yaml:1:1: error: unknown key 'default'; did you mean 'defaults'? [unknown-key]"])
        #expect(
            Self.validate([("jobs.d/team.yaml", "defaults:\n  tolerance: 5m\n")]).diagnostics.map(\.description) == [
                "jobs.d/team.yaml:1:1: error: defaults apply only from a file named _defaults.yaml, to the jobs in "
                    + "its folder and below; move this document into one [invalid-defaults]"
            ])
        let twice = Self.validate([
            ("jobs.d/_defaults.yaml", "defaults: {tags: [a]}\n"), ("jobs.d/_defaults.yml", "defaults: {tags: [b]}\n"),
        ])
        #expect(
            twice.diagnostics.map(\.description) == [
                "jobs.d/_defaults.yml:1:1: error: the folder's defaults are already in jobs.d/_defaults.yaml; keep "
                    + "one defaults file per folder [invalid-defaults]"
            ])
    }
}
