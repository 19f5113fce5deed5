import Config
import Foundation
import MonitorDomain
import Testing

/// `cronicle-sync plan --format markdown`, compared byte for byte with
/// Fixtures/plan*.md. After an intended change, regenerate them with
/// `CRONICLE_UPDATE_GOLDEN=1 swift test --filter PlanMarkdownTests` and review the diff.
@Suite struct PlanMarkdownTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let now = Date(timeIntervalSince1970: 1_795_845_600)

    static func matches(_ output: String, _ file: String) throws {
        let golden = root.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["CRONICLE_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: golden)
        }
        #expect(output == (try String(contentsOf: golden, encoding: .utf8)))
    }

    static func job(_ id: String, _ schedule: String, zone: String = "UTC", file: String) -> JobDefinition {
        var definition = JobDefinition(jobID: id, schedule: schedule, timezone: zone)
        definition.location = SourceLocation(file: file, line: 1, column: 1)
        return definition
    }

    /// A plan with one of each change, a warning whose text tries to break out of its
    /// block and mention someone, and fire times in two zones.
    @Test func aPlanWithChangesIsOneComment() throws {
        let source = SyncSource(
            repository: "https://bot:token@github.com/acme/jobs.git", ref: "main",
            commit: "3f2a1c9d0b4e5f60718293a4b5c6d7e8f9a0b1c2", path: "jobs.d")
        var stored = Self.job("report", "0 6 * * *", file: "jobs.d/report.yaml")
        stored.tolerance = JobDuration(seconds: 60)
        let existing = [
            Job(
                definition: stored, managedBy: .sync,
                origin: Job.Origin(identity: source.identity, file: "jobs.d/report.yaml", line: 1, commit: "abc"),
                createdAt: Self.now, updatedAt: Self.now, watchedSince: Self.now),
            Job(
                definition: Self.job("old_backup", "@daily", file: "jobs.d/old_backup.yaml"), managedBy: .sync,
                origin: Job.Origin(identity: source.identity, file: "jobs.d/old_backup.yaml", line: 1, commit: "abc"),
                createdAt: Self.now, updatedAt: Self.now, watchedSince: Self.now),
            Job(
                definition: Self.job("keep", "@hourly", file: "jobs.d/keep.yaml"), managedBy: .sync,
                origin: Job.Origin(identity: source.identity, file: "jobs.d/keep.yaml", line: 1, commit: "abc"),
                createdAt: Self.now, updatedAt: Self.now, watchedSince: Self.now),
        ]
        var report = Self.job("report", "30 6 * * *", zone: "Europe/Berlin", file: "jobs.d/report.yaml")
        report.tolerance = JobDuration(seconds: 90)
        let desired = [
            Self.job("nightly_backup", "0 2 * * *", zone: "Europe/Berlin", file: "jobs.d/nightly_backup.yaml"), report,
            Self.job("keep", "@hourly", file: "jobs.d/keep.yaml"),
        ]
        let plan = Reconciler.plan(desired: desired, actual: existing, source: source, now: Self.now)
        let warning = Diagnostic(
            at: SourceLocation(file: "jobs.d/nightly_backup.yaml", line: 2, column: 11), rule: .daylightSaving,
            message: "```\n</details> @octocat | <script>")
        try Self.matches(SyncReport(diagnostics: [warning], plan: plan).markdown(), "plan-changes.md")
    }

    /// A refused plan says why at the top; one with errors lists them and nothing else.
    @Test func refusalsAndErrorsLeadTheComment() throws {
        let source = SyncSource(identity: "ops", path: "jobs.d")
        let owned = Job(
            definition: Self.job("a", "@daily", file: "jobs.d/a.yaml"), managedBy: .sync,
            origin: Job.Origin(identity: "ops", file: "jobs.d/a.yaml", line: 1), createdAt: Self.now,
            updatedAt: Self.now, watchedSince: Self.now)
        let refused = Reconciler.plan(desired: [], actual: [owned], source: source, now: Self.now)
        try Self.matches(SyncReport(plan: refused).markdown(), "plan-refused.md")
        let error = Diagnostic(
            at: SourceLocation(file: "jobs.d/a.yaml", line: 2, column: 11), rule: .cronSyntax,
            message: "minute 61 is out of range 0-59")
        try Self.matches(SyncReport(diagnostics: [error]).markdown(), "plan-errors.md")
    }
}
