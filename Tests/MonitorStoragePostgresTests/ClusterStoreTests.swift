import Config
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import StorageTestSupport
import Testing

@testable import MonitorStoragePostgres

/// Two stores on one database are two nodes, each with its lease (``ClusterMembership``):
/// what one claims the other leaves alone while it lives and takes when its lease runs
/// out; the job change log is kept until every live node has read it. Leases last a
/// minute here, so that a loaded machine's slow renewals do not end them: a node's death
/// is its lease set to have run out (``expire(_:)``).
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct ClusterStoreTests {
    struct Node {
        let store: MonitorStore
        let membership: ClusterMembership
        /// Renews the lease every half second, as a running node does.
        let renewing: Task<Void, Never>
        var id: String { membership.node }

        func close() {
            renewing.cancel()
            try? store.close()
        }
    }

    static func node(_ url: DatabaseURL, _ name: String) async throws -> Node {
        let store = try await StoreOpener.open(url.connectionString, logger: Logger(label: "test"))
        let backend = try #require(store.backend as? PostgresBackend)
        let membership = ClusterMembership(
            backend: backend, node: try #require(backend.node), name: name, events: store.events,
            logger: Logger(label: "test"), leaseLength: .seconds(60))
        try await membership.join()
        // Renewed as `run()` does, but a cancel stops it as `kill -9` would: without leaving.
        let renewing = Task {
            while !Task.isCancelled {
                _ = try? await membership.renew()
                try? await Task.sleep(for: ClusterMembership.renewInterval)
            }
        }
        return Node(store: store, membership: membership, renewing: renewing)
    }

    /// Two nodes, "first" and "second" (joined in that order), on a new database.
    static func withTwoNodes(_ body: (Node, Node) async throws -> Void) async throws {
        try await TemporaryPostgresDatabase.with { url in
            let first = try await node(url, "first")
            let second = try await node(url, "second")
            defer {
                first.close()
                second.close()
            }
            try await body(first, second)
        }
    }

    /// As a node killed with `kill -9` leaves its lease: renewed no more, run out.
    static func expire(_ node: Node) async throws {
        node.renewing.cancel()
        await node.renewing.value
        _ = try await node.store.write { session in
            try session.execute(
                "UPDATE node_leases SET expires_at = clock_timestamp() - INTERVAL '1 second' WHERE node_id = ?",
                [.text(node.id)])
        }
    }

    /// `count` pending deliveries to `channel`, each of its own alert (so none waits on another).
    static func queue(_ count: Int, to channel: String, in store: MonitorStore, at now: Date) async throws {
        _ = try await store.write { session in
            for index in 0..<count {
                try session.execute(
                    """
                    INSERT INTO deliveries (delivery_id, channel, event, alert_id, created_at, status, next_attempt_at)
                    VALUES (?, ?, 'alert_opened', ?, ?, 'pending', ?)
                    """,
                    [.text("d-\(channel)-\(index)"), .text(channel), .integer(Int64(index)), .date(now), .date(now)])
            }
        }
    }

    @Test func aDeliveryIsClaimedByOneLiveNodeAndTakenOverWhenItsLeaseRunsOut() async throws {
        try await Self.withTwoNodes { first, second in
            #expect(second.membership.liveNodes == ["first", "second"])
            let now = first.store.clock.now
            try await Self.queue(10, to: "hook", in: first.store, at: now)

            let claimedByFirst = try await first.store.dueDeliveries(at: now, limit: 4)
            #expect(claimedByFirst.count == 4)
            let claimedBySecond = try await second.store.dueDeliveries(at: now, limit: 100)
            #expect(claimedBySecond.count == 6, "the first node's claims are left alone while it lives")
            #expect(Set(claimedByFirst.map(\.id)).isDisjoint(with: claimedBySecond.map(\.id)))
            // Oldest first, as the sender sends them.
            #expect(claimedBySecond.map(\.id) == claimedBySecond.map(\.id).sorted())
            // What another live node holds is not waited for: it sends it.
            let second2 = try await second.store.dueDeliveries(at: now, limit: 100)
            #expect(Set(second2.map(\.id)) == Set(claimedBySecond.map(\.id)), "a node's own claims stay its own")

            // The first node's lease runs out (its renewals stuck): it claims nothing more,
            // and the second takes over what it held.
            try await Self.expire(first)
            #expect(
                try await first.store.dueDeliveries(at: now, limit: 100).isEmpty, "a node out of its lease is fenced")
            let takenOver = try await second.store.dueDeliveries(at: now, limit: 100)
            #expect(takenOver.count == 10, "the dead node's deliveries are taken over")

            // What the first node then says of a delivery it lost changes nothing: the
            // outcome is the second node's to write.
            let lost = try #require(claimedByFirst.first)
            try await second.store.recordAttempts([(lost.id, .delivered(statusCode: 200))])
            try await first.store.recordAttempts([(lost.id, .failed(statusCode: 500, error: "late"))])
            let stored = try await second.store.deliveries(DeliveryQuery(page: PageRequest(page: 1, perPage: 100)))
                .items.first { $0.id == lost.id }
            #expect(stored?.status == .delivered)
            #expect(stored?.lastError == nil)

            // Nor does a failing channel's postponement touch what another live node sends.
            _ = try await first.membership.renew()
            try await first.store.postponeDeliveries(
                channel: "hook", dueBy: now, except: -1, until: now.addingTimeInterval(60), statusCode: 503,
                error: "down")
            let after = try await second.store.deliveries(DeliveryQuery(page: PageRequest(page: 1, perPage: 100))).items
            #expect(after.allSatisfy { $0.attempts <= 1 && $0.lastError != "down" }, "\(after.map(\.lastError))")
        }
    }

    @Test func twoNodesClaimingAtOnceNeverTakeTheSameDelivery() async throws {
        try await Self.withTwoNodes { first, second in
            let now = first.store.clock.now
            try await Self.queue(400, to: "hook", in: first.store, at: now)
            var claimed: [[Int64]] = [[], []]
            for _ in 0..<20 {
                async let a = first.store.dueDeliveries(at: now, limit: 10)
                async let b = second.store.dueDeliveries(at: now, limit: 10)
                let (byFirst, bySecond) = try await (a, b)
                claimed[0] += byFirst.map(\.id)
                claimed[1] += bySecond.map(\.id)
                // Sent: out of the way, as the sender's recorded outcomes take them.
                try await first.store.recordAttempts(byFirst.map { ($0.id, .delivered(statusCode: 200)) })
                try await second.store.recordAttempts(bySecond.map { ($0.id, .delivered(statusCode: 200)) })
            }
            #expect(
                Set(claimed[0]).isDisjoint(with: claimed[1]),
                "both took \(Set(claimed[0]).intersection(claimed[1]).sorted())")
            #expect(claimed[0].count + claimed[1].count == 400, "every delivery claimed once")
            #expect(!claimed[0].isEmpty && !claimed[1].isEmpty, "both nodes took a share")
        }
    }

    @Test func aNodeLeavingCleanlyLetsGoOfItsClaimsAtOnce() async throws {
        try await Self.withTwoNodes { first, second in
            let now = first.store.clock.now
            try await Self.queue(3, to: "hook", in: first.store, at: now)
            #expect(try await first.store.dueDeliveries(at: now, limit: 10).count == 3)
            #expect(try await second.store.nextDeliveryAttempt() == nil, "nothing for it to wait for")
            #expect(try await second.store.dueDeliveries(at: now, limit: 10).isEmpty)
            first.renewing.cancel()
            await first.renewing.value
            await first.membership.leave()
            #expect(try await second.store.nextDeliveryAttempt() != nil)
            #expect(try await second.store.dueDeliveries(at: now, limit: 10).count == 3)
            for _ in 0..<100 where second.membership.liveNodes != ["second"] {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(second.membership.liveNodes == ["second"], "the next renewal tells the other node")
        }
    }

    @Test func oneApplySentToTwoNodesAtOnceIsAppliedOnceAndOthersTakeTurns() async throws {
        try await Self.withTwoNodes { first, second in
            let files = [
                DefinitionFile(path: "jobs.d/a.yaml", contents: Data("job_id: a\nschedule: \"@daily\"\n".utf8))
            ]
            let source = SyncSource(repository: "https://git.example/jobs.git", commit: "abc123")
            // The same apply retried against the other node (its answer was lost): once.
            for round in 0..<5 {
                let options = SyncOptions(requestID: "apply-\(round)")
                async let viaFirst = first.store.applySync(files: files, source: source, options: options)
                async let viaSecond = second.store.applySync(files: files, source: source, options: options)
                let reports = try await [viaFirst, viaSecond]
                #expect(reports.filter { $0.repeated == true }.count == 1, "round \(round): \(reports)")
                #expect(reports[0].record?.id != nil && reports[0].record?.id == reports[1].record?.id)
            }
            #expect(try await first.store.syncHistory().count == 5)
            // Two different applies at once: one after the other, both recorded, no error.
            let other = [
                DefinitionFile(path: "jobs.d/b.yaml", contents: Data("job_id: b\nschedule: \"@daily\"\n".utf8))
            ]
            async let one = first.store.applySync(
                files: files + other, source: source, options: SyncOptions(requestID: "x"))
            async let two = second.store.applySync(files: files, source: source, options: SyncOptions(requestID: "y"))
            let both = try await [one, two]
            #expect(both.allSatisfy { $0.record?.result == .applied && $0.repeated != true }, "\(both)")
            #expect(try await first.store.syncHistory().count == 7)
        }
    }

    @Test func theJobChangeLogIsKeptUntilEveryLiveNodeHasReadIt() async throws {
        try await Self.withTwoNodes { first, second in
            let author = ChangeAuthor("test", via: .api)
            _ = try await first.store.saveJob(JobDefinition(jobID: "a", schedule: "@daily"), by: author)
            _ = try await first.store.saveJob(JobDefinition(jobID: "b", schedule: "@daily"), by: author)
            let read = try #require(try await first.store.jobChanges(after: 0))
            #expect(read.changed == ["a", "b"])
            try await first.store.pruneJobChanges(through: read.sequence)
            let unread = try #require(try await second.store.jobChanges(after: 0), "kept for the second node")
            #expect(unread.changed == ["a", "b"])

            // A node gone past its lease no longer holds the log back; when it comes back,
            // it finds its place pruned and is told to read every job again.
            try await Self.expire(second)
            try await first.store.pruneJobChanges(through: read.sequence)
            await #expect {
                try await second.store.jobChanges(after: 0)
            } throws: { error in
                (error as? MonitorError)?.code == .conflict
                    && (error as? MonitorError)?.message.contains("every job is read again") == true
            }
            // Read from the start again (the engine's snapshot), it goes on.
            let snapshot = try await second.store.alertEngineSnapshot()
            #expect(snapshot.changeSequence == read.sequence)
            #expect(try await second.store.jobChanges(after: snapshot.changeSequence) == nil)
        }
    }
}
