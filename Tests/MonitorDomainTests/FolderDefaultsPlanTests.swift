import Config
import Foundation
import MonitorDomain
import Testing

/// A plan says where each value a folder's `_defaults.yaml` gave comes from, and a
/// change to a defaults file is an update of every job it changes (DESIGN 11.2).
@Suite struct FolderDefaultsPlanTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let source = SyncSource(path: "jobs.d")

    static func jobs(_ billingDefaults: String) -> [JobDefinition] {
        let files = [
            ("jobs.d/billing/_defaults.yaml", billingDefaults),
            ("jobs.d/billing/invoices.yaml", "job_id: invoices\nschedule: \"@daily\"\n"),
            ("jobs.d/billing/vat.yaml", "job_id: vat\nschedule: \"@daily\"\ntolerance: 5m\n"),
            ("jobs.d/backup.yaml", "job_id: backup\nschedule: \"@daily\"\n"),
        ]
        return JobValidator(now: now).validate(files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) })
            .jobs
    }

    static func stored(_ definitions: [JobDefinition]) -> [Job] {
        definitions.map {
            Job(
                definition: $0, managedBy: .sync,
                origin: Job.Origin(identity: source.identity, file: $0.location!.file, line: $0.location!.line),
                createdAt: now, updatedAt: now, watchedSince: now)
        }
    }

    @Test func createdJobsNameTheDefaultsFileOfEachValueItGave() {
        let plan = Reconciler.plan(
            desired: Self.jobs("defaults:\n  tolerance: 20m\n  tags: [billing]\n"), actual: [], source: Self.source)
        let text = SyncReport(diagnostics: [], plan: plan).formatted()
        #expect(text.contains("    tolerance: \"20m\" (from jobs.d/billing/_defaults.yaml:2)\n"), "\(text)")
        #expect(text.contains("    tags: [\"billing\"] (from jobs.d/billing/_defaults.yaml:3)\n"))
        #expect(text.contains("    tolerance: \"5m\"\n"), "vat's own value names no file")
        let markdown = SyncReport(diagnostics: [], plan: plan).markdown()
        #expect(markdown.contains("+     tolerance: \"20m\" (from jobs.d/billing/_defaults.yaml:2)"))
    }

    @Test func changingADefaultsFileUpdatesEveryJobItChangesAndNoOther() throws {
        let before = Self.stored(Self.jobs("defaults:\n  tolerance: 20m\n  max_runtime: 1h\n"))
        let plan = Reconciler.plan(
            desired: Self.jobs("defaults:\n  tolerance: 20m\n  max_runtime: 2h\n"), actual: before, source: Self.source)
        #expect(plan.updates.map(\.jobID) == ["invoices", "vat"] && plan.unchanged == 1)
        let change = try #require(plan.updates.first?.changes.first)
        #expect(change.field == "max_runtime" && change.origin == "jobs.d/billing/_defaults.yaml:3")
        let text = SyncReport(diagnostics: [], plan: plan).formatted()
        #expect(text.contains("    max_runtime: \"1h\" → \"2h\" (from jobs.d/billing/_defaults.yaml:3)\n"), "\(text)")

        // A default that the job's own value overrides changes nothing for it.
        let overridden = Reconciler.plan(
            desired: Self.jobs("defaults:\n  tolerance: 30m\n  max_runtime: 1h\n"), actual: before, source: Self.source)
        #expect(overridden.updates.map(\.jobID) == ["invoices"], "vat writes its own tolerance")
    }
}
