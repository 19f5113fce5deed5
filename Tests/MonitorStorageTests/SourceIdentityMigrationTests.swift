import Config
import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import Testing

/// Migration v9: jobs synced before sources had identities keep their owner, so the
/// first apply after an upgrade is no conflict and deletes nothing of another source;
/// a token stored in a repository URL is gone from every table.
@Suite struct SourceIdentityMigrationTests {
    static let v8 = "v8: interval and end-only jobs, ping uuids, run output"

    /// A database as the previous release wrote it: a job from `--repo` with a token in
    /// its URL, one from `--dir` (no repository), and the sync history of both.
    static func previousRelease(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try MonitorStore.migrator.migrate(queue, upTo: v8)
        try queue.write { db in
            for (id, repository) in [
                ("backup", "https://bot:ghp_s3cr3tT0ken@github.com/acme/jobs.git"), ("local", nil),
                ("gone", "https://bot:ghp_s3cr3tT0ken@github.com/acme/jobs.git"),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO job_configs (job_id, schedule, timezone, tolerance_seconds, tags, created_at,
                            updated_at, watched_since, notify, managed_by, source_repository, source_file,
                            source_line, source_commit, ping_uuid)
                        VALUES (?, '@daily', 'UTC', 60, '[]', '2026-11-01 00:00:00.000', '2026-11-01 00:00:00.000',
                            '2026-11-01 00:00:00.000', '[]', 'sync', ?, 'jobs.d/' || ? || '.yaml', 1, 'abc', ?)
                        """, arguments: [id, repository, id, UUID().uuidString.lowercased()])
            }
            try db.execute(
                sql: """
                    INSERT INTO sync_history (applied_at, repository, ref, commit_id, path, result)
                    VALUES ('2026-11-01 00:00:00.000', 'https://bot:ghp_s3cr3tT0ken@github.com/acme/jobs.git',
                        'main', 'abc', 'jobs.d', 'applied')
                    """)
        }
    }

    @Test func jobsKeepTheirOwnersAndTokensAreStripped() async throws {
        let folder = try TemporaryFolder()
        let path = folder.url("cronicle.db")
        try Self.previousRelease(path)
        let store = try MonitorStore(path: path)
        #expect(try await store.jobs().allSatisfy { $0.origin?.repository?.contains("s3cr3t") != true })
        #expect(
            try await store.syncHistory(page: PageRequest()).items.first?.source.repository
                == "https://github.com/acme/jobs.git")

        // The repository applies again, as cronicle-sync now describes it (the token is
        // still in the URL it was given): no conflict, its own job is pruned, and the
        // folder's job is neither taken nor deleted.
        let repository = SyncSource(
            repository: "https://bot:ghp_s3cr3tT0ken@github.com/acme/jobs.git", ref: "main", commit: "def",
            path: "jobs.d", legacyRepository: "https://bot:ghp_s3cr3tT0ken@github.com/acme/jobs.git")
        let file = DefinitionFile(
            path: "jobs.d/backup.yaml", contents: Data("job_id: backup\nschedule: \"@daily\"\n".utf8))
        let report = try await store.applySync(
            files: [file], source: repository, options: SyncOptions(allowMassDelete: true))
        #expect(report.failure == nil, "\(report.failure ?? "")")
        #expect(report.plan?.unchanged == 1 && report.plan?.updates.isEmpty == true, "a claim is no change")
        #expect(report.plan?.deletes.map(\.jobID) == ["gone"])
        let jobs = Dictionary(uniqueKeysWithValues: try await store.jobs().map { ($0.jobID, $0) })
        #expect(jobs["backup"]?.origin?.identity == "github.com/acme/jobs#jobs.d")
        #expect(jobs["local"]?.origin?.identity == nil, "the folder's job waits for a folder to claim it")

        // A folder source claims the folder's job on its first apply, without a conflict.
        let named = SyncSource(identity: "ops-local", path: "jobs.d")
        let local = DefinitionFile(
            path: "jobs.d/local.yaml", contents: Data("job_id: local\nschedule: \"@daily\"\n".utf8))
        let claimed = try await store.applySync(files: [local], source: named)
        #expect(claimed.failure == nil, "\(claimed.failure ?? "")")
        #expect(try await store.jobs().first { $0.jobID == "local" }?.origin?.identity == "ops-local")
        try store.close()
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(after.range(of: Data("ghp_s3cr3tT0ken".utf8)) == nil, "the token is nowhere in the file")
    }
}
