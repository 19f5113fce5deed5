import Config
import Foundation
import MonitorDomain
import Testing

@Suite struct ReconcilerTests {
    static let now = Date(timeIntervalSince1970: 1_795_845_600)

    static func synced(_ id: String, from repository: String?, file: String = "jobs.d/a.yaml", line: Int = 1) -> Job {
        var definition = JobDefinition(jobID: id, schedule: "@daily")
        definition.location = SourceLocation(file: file, line: line, column: 1)
        return Job(
            definition: definition, managedBy: .sync,
            origin: Job.Origin(repository: repository, file: file, line: line, commit: "abc"), createdAt: now,
            updatedAt: now, watchedSince: now)
    }

    static func desired(_ id: String, schedule: String = "@daily", file: String = "jobs.d/a.yaml", line: Int = 1)
        -> JobDefinition
    {
        var definition = JobDefinition(jobID: id, schedule: schedule)
        definition.location = SourceLocation(file: file, line: line, column: 1)
        return definition
    }

    @Test func aJobSyncedFromAnotherRepositoryIsAConflictAndIsNeverPruned() {
        let actual = [Self.synced("a", from: "git@example.com:ops/jobs.git"), Self.synced("b", from: "other")]
        let source = SyncSource(repository: "git@example.com:team/jobs.git", ref: "main")
        var plan = Reconciler.plan(desired: [Self.desired("a")], actual: actual, source: source)
        #expect(
            plan.conflicts.map(\.message) == [
                "job 'a' is synced from git@example.com:ops/jobs.git; apply with --adopt to manage it from jobs.d/a.yaml:1"
            ])
        #expect(plan.deletes.isEmpty, "jobs of other repositories are theirs to prune")
        plan = Reconciler.plan(
            desired: [Self.desired("a")], actual: actual, source: source, options: SyncOptions(adopt: true))
        #expect(plan.conflicts.isEmpty)
        #expect(
            plan.updates.first?.changes == [
                SyncPlan.Change(
                    field: "repository", old: .string("git@example.com:ops/jobs.git"),
                    new: .string("git@example.com:team/jobs.git"))
            ])
    }

    /// A ping_uuid left out of the file keeps the one the monitor generated; one written
    /// in the file replaces it, as a change the plan shows.
    @Test func aPingUUIDLeftOutKeepsTheGeneratedOne() {
        var stored = Self.synced("a", from: "repo")
        stored.definition.pingUUID = "5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f"
        let source = SyncSource(repository: "repo", ref: "main")
        let unchanged = Reconciler.plan(desired: [Self.desired("a")], actual: [stored], source: source)
        #expect(unchanged.updates.isEmpty)
        #expect(unchanged.unchanged == 1)
        var given = Self.desired("a")
        given.pingUUID = "00000000-9a7d-4c1e-8f3a-2b6d4e8a1c0f"
        let changed = Reconciler.plan(desired: [given], actual: [stored], source: source)
        #expect(
            changed.updates.first?.changes == [
                SyncPlan.Change(
                    field: "ping_uuid", old: .string("5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f"),
                    new: .string("00000000-9a7d-4c1e-8f3a-2b6d4e8a1c0f"))
            ])
        var interval = Self.desired("a")
        interval.schedule = nil
        interval.every = JobDuration(seconds: 3600)
        let toInterval = Reconciler.plan(desired: [interval], actual: [stored], source: source)
        #expect(
            toInterval.updates.first?.changes.map(\.field) == ["schedule", "every"],
            "from a schedule to every: both fields change")
    }

    @Test func movingAJobToAnotherFileIsAnUpdateOfItsSource() {
        let plan = Reconciler.plan(
            desired: [Self.desired("a", file: "jobs.d/team/a.yaml", line: 4)], actual: [Self.synced("a", from: nil)],
            source: SyncSource(path: "jobs.d"))
        #expect(
            plan.updates.first?.changes == [
                SyncPlan.Change(field: "source", old: .string("jobs.d/a.yaml:1"), new: .string("jobs.d/team/a.yaml:4"))
            ])
        #expect(plan.unchanged == 0 && plan.creates.isEmpty && plan.deletes.isEmpty)
    }

    @Test func unchangedJobsAreCountedNotListed() {
        let plan = Reconciler.plan(
            desired: [Self.desired("a"), Self.desired("c", schedule: "@hourly")], actual: [Self.synced("a", from: nil)],
            source: SyncSource(path: "jobs.d"))
        #expect(plan.unchanged == 1)
        #expect(plan.creates.map(\.jobID) == ["c"])
        #expect(plan.hasChanges)
    }
}
