import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorTestSupport
import Testing

/// Channels travel with the jobs: planned and applied in the same transaction, owned by
/// the same repository, and refused by a monitor that could not resolve their secrets.
@Suite struct ChannelSyncTests {
    static let job = "job_id: billing\nschedule: \"@daily\"\nnotify: [ops-hook]\n"
    static let channel = "channel: ops-hook\ntype: webhook\nurl: ${env:OPS_HOOK_URL}\nrepeat_every: 4h\n"

    static func body(_ files: [String: String], repository: String = "git@example.com:ops/jobs.git") -> JSONValue {
        [
            "source": ["repository": .string(repository), "ref": "main", "commit": "abc123"],
            "files": .array(
                files.sorted(by: { $0.key < $1.key }).map {
                    .object(["path": .string($0.key), "contents": .string($0.value)])
                }),
        ]
    }

    static let secrets = ProcessSecrets(environment: ["OPS_HOOK_URL": "http://127.0.0.1:9/hook"])

    @Test func channelsArePlannedAndAppliedWithTheJobs() async throws {
        try await LiveMonitor.with(secrets: Self.secrets) { monitor in
            let files = ["jobs.d/billing.yaml": Self.job, "jobs.d/channels.yaml": Self.channel]
            var response = try await monitor.request("POST", "/sync/plan", json: Self.body(files))
            #expect(response.status == 200, "\(response.text)")
            let channels = try #require(
                (try response.object()["plan"] as? [String: Any])?["channels"] as? [String: Any])
            let create = try #require((channels["creates"] as? [[String: Any]])?.first)
            #expect(create["channel"] as? String == "ops-hook" && create["file"] as? String == "jobs.d/channels.yaml")
            let fields = (create["changes"] as? [[String: Any]] ?? []).map { "\($0["field"]!)=\($0["new"]!)" }
            #expect(fields.contains("url=${env:OPS_HOOK_URL}"), "the reference, never its value")
            #expect(fields.contains("repeat_every=4h"))
            #expect(try await monitor.store.channels().isEmpty, "a plan changes nothing")

            response = try await monitor.request("POST", "/sync/apply", json: Self.body(files))
            #expect(response.status == 200, "\(response.text)")
            let stored = try #require(try await monitor.store.channels().first)
            #expect(stored.definition.url?.written == "${env:OPS_HOOK_URL}", "stored unresolved")
            #expect(stored.origin?.repository == "git@example.com:ops/jobs.git")
            #expect(stored.origin?.file == "jobs.d/channels.yaml" && stored.origin?.line == 1)
            #expect(try await monitor.store.job("billing")?.definition.notify == ["ops-hook"])
            let job = try await monitor.request("GET", "/jobs/billing").object()
            #expect(job["notify"] as? [String] == ["ops-hook"])

            var changed = files
            changed["jobs.d/channels.yaml"] = Self.channel.replacingOccurrences(of: "4h", with: "1h")
            let report = try await monitor.store.planSync(
                files: changed.map { DefinitionFile(path: $0.key, contents: Data($0.value.utf8)) },
                source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "def456"))
            #expect(
                report.formatted().contains(
                    "~ channel ops-hook  (jobs.d/channels.yaml:1)\n    repeat_every: \"4h\" → \"1h\"\n"))
            #expect(report.formatted().contains("channels: 0 to create, 1 to update, 0 to delete, 0 unchanged"))

            // Another repository may not take the channel over without --adopt.
            response = try await monitor.request(
                "POST", "/sync/apply",
                json: Self.body(["jobs.d/channels.yaml": Self.channel], repository: "git@example.com:other/jobs.git"))
            #expect(response.status == 422)
            #expect(
                response.errorMessage?.contains(
                    "channel 'ops-hook' is synced from another source, example.com/ops/jobs#jobs.d") == true,
                "\(response.text)")
            // With --adopt it may, and the channel becomes that repository's though nothing else changed.
            let channelFile = [DefinitionFile(path: "jobs.d/channels.yaml", contents: Data(Self.channel.utf8))]
            let adopted = try await monitor.store.applySync(
                files: channelFile,
                source: SyncSource(repository: "git@example.com:other/jobs.git", ref: "main", commit: "c2"),
                options: SyncOptions(prune: false, adopt: true))
            #expect(adopted.plan?.channels.updates.first?.changes.map(\.field) == ["owner"])
            #expect(try await monitor.store.channels().first?.origin?.repository == "git@example.com:other/jobs.git")
            _ = try await monitor.store.applySync(
                files: channelFile,
                source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "c3"),
                options: SyncOptions(prune: false, adopt: true))

            // An empty source is refused; allowed, it prunes the channel with the job that used it.
            response = try await monitor.request("POST", "/sync/apply", json: Self.body([:]))
            #expect(response.status == 422)
            #expect(response.errorMessage?.contains("defines no job, channel or window") == true, "\(response.text)")
            #expect(try await monitor.store.channels().count == 1)
            var allowed = Self.body([:])
            if case .object(var fields) = allowed {
                fields["allow_empty"] = true
                fields["allow_mass_delete"] = true
                allowed = .object(fields)
            }
            response = try await monitor.request("POST", "/sync/apply", json: allowed)
            #expect(response.status == 200, "\(response.text)")
            #expect(try await monitor.store.channels().isEmpty)
            #expect(try await monitor.store.jobs().isEmpty)
        }
    }

    @Test func aReferenceTheMonitorCannotResolveIsRefusedAndNothingIsApplied() async throws {
        try await LiveMonitor.with(secrets: ProcessSecrets(environment: [:])) { monitor in
            let files = [
                "jobs.d/billing.yaml": Self.job,
                "jobs.d/channels.yaml": Self.channel + "secret: ${file:/nonexistent/cronicle-secret}\n",
            ]
            let response = try await monitor.request("POST", "/sync/apply", json: Self.body(files))
            #expect(response.status == 422 && response.errorCode == "sync_failed")
            let diagnostics = try response.object()["diagnostics"] as? [[String: Any]] ?? []
            #expect(
                diagnostics.compactMap { $0["message"] as? String } == [
                    "channel 'ops-hook': ${env:OPS_HOOK_URL} is not set in the monitor's environment; set it where "
                        + "`cronicle serve` runs, or change the reference",
                    "channel 'ops-hook': ${file:/nonexistent/cronicle-secret} cannot be read by the monitor "
                        + "(missing, or not readable); set it where `cronicle serve` runs, or change the reference",
                ])
            #expect(diagnostics.allSatisfy { $0["rule"] as? String == "unresolvable-secret" })
            #expect(try await monitor.store.jobs().isEmpty, "nothing applied")
            #expect(try await monitor.store.channels().isEmpty)
        }
    }
}
