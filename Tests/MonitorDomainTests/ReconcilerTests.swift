import Config
import Foundation
import Testing

@testable import MonitorDomain

@Suite struct ReconcilerTests {
    static let now = Date(timeIntervalSince1970: 1_795_845_600)

    /// A job synced from `repository` (its `jobs.d`), or from the folder source `jobs.d`;
    /// `legacy`: recorded before sources had identities.
    static func synced(
        _ id: String, from repository: String?, file: String = "jobs.d/a.yaml", line: Int = 1, legacy: Bool = false
    ) -> Job {
        var definition = JobDefinition(jobID: id, schedule: "@daily")
        definition.location = SourceLocation(file: file, line: line, column: 1)
        let identity = legacy ? nil : SyncSource.identity(repository: repository, path: "jobs.d") ?? "jobs.d"
        return Job(
            definition: definition, managedBy: .sync,
            origin: Job.Origin(identity: identity, repository: repository, file: file, line: line, commit: "abc"),
            createdAt: now, updatedAt: now, watchedSince: now)
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
                "job 'a' is synced from another source, example.com/ops/jobs#jobs.d; apply with --adopt to "
                    + "manage it from jobs.d/a.yaml:1"
            ])
        #expect(plan.deletes.isEmpty, "jobs of other repositories are theirs to prune")
        plan = Reconciler.plan(
            desired: [Self.desired("a")], actual: actual, source: source, options: SyncOptions(adopt: true))
        #expect(plan.conflicts.isEmpty)
        #expect(
            plan.updates.first?.changes == [
                SyncPlan.Change(
                    field: "owner", old: .string("example.com/ops/jobs#jobs.d"),
                    new: .string("example.com/team/jobs#jobs.d"))
            ])
    }

    /// DESIGN 12: the same repository at another path, or the same folder name in
    /// another repository, is another source; a token in the URL is not part of it.
    @Test func identitiesAreTheRepositoryWithoutCredentialsAndThePath() {
        let stored = Self.synced("a", from: "https://github.com/acme/jobs.git")
        let withToken = SyncSource(repository: "https://bot:s3cr3t-token@GitHub.com/acme/jobs.git/", path: "./jobs.d/")
        #expect(withToken.identity == "github.com/acme/jobs#jobs.d")
        for address in [
            "https://github.com/acme/jobs", "git@github.com:acme/jobs.git", "ssh://git@github.com:22/acme/jobs.git/",
            "github.com:acme/jobs",
        ] {
            #expect(SyncSource(repository: address, path: "jobs.d").identity == withToken.identity, "\(address)")
        }
        #expect(SyncSource(repository: "file:///srv/jobs.git", path: ".").identity == "/srv/jobs.git#.")
        #expect(SyncSource(repository: "/srv/jobs", path: "jobs.d").identity == "/srv/jobs#jobs.d")
        #expect(withToken.repository == "https://github.com/acme/jobs.git")
        let same = Reconciler.plan(desired: [Self.desired("a")], actual: [stored], source: withToken)
        #expect(same.conflicts.isEmpty && same.unchanged == 1)
        let otherPath = SyncSource(repository: "https://github.com/acme/jobs.git", path: "team-b")
        let other = Reconciler.plan(desired: [Self.desired("b")], actual: [stored], source: otherPath)
        #expect(other.deletes.isEmpty, "another path of the same repository never prunes it")
        #expect(
            Reconciler.plan(desired: [Self.desired("a")], actual: [stored], source: otherPath).conflicts.map(\.jobID)
                == ["a"])
        let named = SyncSource(identity: "team-b", path: "jobs.d")
        #expect(Reconciler.plan(desired: [Self.desired("b")], actual: [stored], source: named).deletes.isEmpty)
    }

    /// Jobs from before identities: claimed, not conflicts, by the source that recorded
    /// them that way; a folder's are claimed by any folder but pruned by none.
    @Test func jobsFromBeforeIdentitiesAreClaimedWithoutConflict() {
        let repository = "/srv/jobs"
        let fromRepository = Self.synced("a", from: repository, legacy: true)
        let fromFolder = Self.synced("f", from: nil, legacy: true)
        let gone = Self.synced("g", from: repository, legacy: true)
        let viaOrigin = SyncSource(
            repository: "https://example.com/ops/jobs.git", path: "jobs.d", legacyRepository: repository)
        let plan = Reconciler.plan(
            desired: [Self.desired("a"), Self.desired("b")], actual: [fromRepository, fromFolder, gone],
            source: viaOrigin, options: SyncOptions(allowMassDelete: true))
        #expect(plan.conflicts.isEmpty)
        #expect(plan.claimed == ["a"])
        #expect(plan.unchanged == 1, "a claim is no change to review")
        #expect(plan.deletes.map(\.jobID) == ["g"], "what it recorded before is still its own to prune")
        let folder = SyncSource(identity: "ops", path: "jobs.d")
        let folderPlan = Reconciler.plan(
            desired: [Self.desired("f"), Self.desired("x")], actual: [fromRepository, fromFolder], source: folder)
        #expect(folderPlan.claimed == ["f"] && folderPlan.conflicts.isEmpty)
        let otherFolder = Reconciler.plan(desired: [Self.desired("x")], actual: [fromFolder], source: folder)
        #expect(otherFolder.deletes.isEmpty, "no folder may prune what every folder shared before")
    }

    /// DESIGN 12: deleting every job of a source, or most of more than ten, and a source
    /// with no definitions, are refused unless allowed.
    @Test func massDeletesAndEmptySourcesAreRefusedUnlessAllowed() {
        let source = SyncSource(identity: "jobs.d", path: "jobs.d")
        let owned = (0..<12).map { Self.synced("j\($0)", from: nil) }
        let keepFive = (0..<5).map { Self.desired("j\($0)") }
        let most = Reconciler.plan(desired: keepFive, actual: owned, source: source)
        #expect(most.refusal?.contains("would delete 7 of the 12 jobs of jobs.d, more than half") == true)
        #expect(most.hasConflicts)
        let keepSix = (0..<6).map { Self.desired("j\($0)") }
        #expect(Reconciler.plan(desired: keepSix, actual: owned, source: source).refusal == nil, "half is allowed")
        let few = Array(owned.prefix(3))
        let oneOfThree = Reconciler.plan(
            desired: [Self.desired("j0"), Self.desired("j1")], actual: few, source: source)
        #expect(oneOfThree.refusal == nil, "a small source may lose most of its jobs")
        let every = Reconciler.plan(desired: [Self.desired("new")], actual: few, source: source)
        #expect(every.refusal?.contains("would delete every job of jobs.d (3)") == true)
        #expect(
            Reconciler.plan(
                desired: [Self.desired("new")], actual: few, source: source, options: SyncOptions(allowMassDelete: true)
            ).refusal == nil)
        let empty = Reconciler.plan(desired: [], actual: few, source: source)
        #expect(empty.refusal?.contains("jobs.d defines no job, channel or window") == true)
        #expect(empty.refusal?.contains("--allow-empty (which deletes its 3 job(s))") == true)
        let allowed = Reconciler.plan(
            desired: [], actual: few, source: source, options: SyncOptions(allowMassDelete: true, allowEmpty: true))
        #expect(allowed.refusal == nil && allowed.deletes.count == 3)
        #expect(
            Reconciler.plan(desired: [], actual: few, source: source, options: SyncOptions(prune: false)).refusal?
                .contains("defines no job") == true,
            "an empty source is an error even when nothing would be pruned")
    }

    /// DESIGN 12: created jobs and changed schedules or zones show their next three fire
    /// times in the job's zone, old and new; nothing else computes any.
    @Test func plansShowTheNextFireTimesOfWhatIsCreatedOrRescheduled() {
        var berlin = Self.desired("b", schedule: "0 2 * * *")
        berlin.timezone = "Europe/Berlin"
        let stored = Self.synced("a", from: nil)
        var retimed = Self.desired("a")
        retimed.timezone = "America/New_York"
        var retoleranced = Self.synced("c", from: nil)
        retoleranced.definition.tolerance = JobDuration(seconds: 10)
        let plan = Reconciler.plan(
            desired: [berlin, retimed, Self.desired("c")], actual: [stored, retoleranced],
            source: SyncSource(identity: "jobs.d", path: "jobs.d"), now: Self.now)
        // 2026-11-28T06:00:00Z
        #expect(
            plan.creates.first?.fireTimes == [
                "2026-11-29T02:00:00+01:00", "2026-11-30T02:00:00+01:00", "2026-12-01T02:00:00+01:00",
            ])
        let update = plan.updates.first { $0.jobID == "a" }
        #expect(update?.oldFireTimes == ["2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"])
        #expect(
            update?.fireTimes == [
                "2026-11-29T00:00:00-05:00", "2026-11-30T00:00:00-05:00", "2026-12-01T00:00:00-05:00",
            ])
        let tolerance = plan.updates.first { $0.jobID == "c" }
        #expect(tolerance?.changes == [SyncPlan.Change(field: "tolerance", old: .string("10s"), new: .string("1m"))])
        #expect(tolerance?.fireTimes == [] && tolerance?.oldFireTimes == [], "a new tolerance moves no fire time")
        #expect(
            Reconciler.plan(desired: [berlin], actual: [], source: SyncSource(identity: "x", path: "jobs.d"))
                .creates.first?.fireTimes == [], "without a now, no previews")
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

    /// Unchanged jobs are told apart without building their fields; every field a plan
    /// lists must still show as a change (one mutation per field of a create).
    @Test func everyFieldChangeIsAnUpdate() {
        let stored = Self.synced("a", from: nil)
        let mutations: [(String, (inout JobDefinition) -> Void)] = [
            ("description", { $0.description = "new" }), ("schedule", { $0.schedule = "@hourly" }),
            (
                "every",
                {
                    $0.schedule = nil; $0.every = JobDuration(seconds: 60)
                }
            ),
            ("timezone", { $0.timezone = "Europe/Berlin" }), ("tolerance", { $0.tolerance = JobDuration(seconds: 5) }),
            ("max_runtime", { $0.maxRuntime = JobDuration(seconds: 60) }),
            ("is_health_check", { $0.isHealthCheck = true }),
            ("tags", { $0.tags = ["x"] }), ("paused", { $0.paused = true }), ("notify", { $0.notify = ["ops"] }),
            ("expect", { $0.expect = .end }), ("watch_from", { $0.watchFrom = .firstRun }),
            ("ping_uuid", { $0.pingUUID = "5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f" }),
            ("min_runtime", { $0.minRuntime = JobDuration(seconds: 5) }),
            ("failure_threshold", { $0.failureThreshold = 3 }), ("labels", { $0.labels = ["team": "data"] }),
        ]
        let source = SyncSource(path: "jobs.d")
        #expect(Reconciler.fields(of: Self.desired("b")).map(\.0) == mutations.map(\.0), "one mutation per field")
        #expect(Reconciler.plan(desired: [Self.desired("a")], actual: [stored], source: source).unchanged == 1)
        for (field, mutate) in mutations {
            var changed = Self.desired("a")
            mutate(&changed)
            let plan = Reconciler.plan(desired: [changed], actual: [stored], source: source)
            #expect(plan.updates.first?.changes.map(\.field).contains(field) == true, "\(field)")
        }
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
