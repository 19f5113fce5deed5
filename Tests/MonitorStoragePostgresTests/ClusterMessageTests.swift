import Foundation
import MonitorDomain
import Testing

@testable import MonitorStoragePostgres

/// The events one node tells the others: read back as they were told, each payload
/// under PostgreSQL's limit, and what the alert engine needs kept when there is too much.
struct ClusterMessageTests {
    static func decode(_ payload: String) throws -> ClusterMessage {
        try JSONDecoder().decode(ClusterMessage.self, from: Data(payload.utf8))
    }

    @Test func eachKindOfEventIsReadBackAsItWasTold() throws {
        let start = Date(timeIntervalSince1970: 1_764_000_000.123)
        let record = SyncRecord(
            id: 7, appliedAt: start, source: SyncSource(repository: "git@example.com:ops/jobs.git"), result: .failed,
            created: 1, updated: 2, deleted: 0, unchanged: 3, error: "jobs.d/a.yaml: bad")
        let events: [StoreEvent] = [
            .jobsChanged,
            .runStarted(JobRun(runID: "r1", jobID: "backup", status: .running, startTime: start), hasMaxRuntime: true),
            .runEnded(JobRun(runID: "r1", jobID: "backup", status: .failed)),
            .alertsChanged([
                AlertChange(alertID: 3, jobID: "backup", kind: .failed, change: .opened),
                AlertChange(alertID: 4, jobID: nil, channel: "hook", kind: .channelFailing, change: .resolved),
            ]),
            .syncRecorded(record),
            .deliveriesQueued,
        ]
        let payloads = ClusterMessage.payloads(node: "n-a", events: events.compactMap(ClusterMessage.Event.init))
        #expect(payloads.count == 1)
        let message = try Self.decode(try #require(payloads.first))
        #expect(message.node == "n-a")
        #expect(message.overflow == nil)
        let read = message.events.compactMap(\.storeEvent)
        #expect(read.count == events.count)
        guard read.count == 6 else { return }
        guard case .runStarted(let run, let limited) = read[1] else {
            Issue.record("not a start: \(read[1])")
            return
        }
        #expect(run.runID == "r1" && run.jobID == "backup" && limited)
        #expect(run.startTime == start, "to the millisecond")
        guard case .runEnded(let ended) = read[2], case .alertsChanged(let changes) = read[3],
            case .syncRecorded(let sync) = read[4]
        else {
            Issue.record("read back as \(read)")
            return
        }
        #expect(ended.status == .failed)
        #expect(
            changes == [
                AlertChange(alertID: 3, jobID: "backup", kind: .failed, change: .opened),
                AlertChange(alertID: 4, jobID: nil, channel: "hook", kind: .channelFailing, change: .resolved),
            ])
        #expect(sync == record)
        #expect(ClusterMessage.Event(.clusterChanged) == nil, "each node's own finding, not told")
    }

    @Test func manyEventsAreSplitUnderPostgreSQLsLimitInOrder() throws {
        let events = (0..<500).map { index in
            ClusterMessage.Event(.runEnded(JobRun(runID: "run-\(index)", jobID: "job-\(index)", status: .succeeded)))!
        }
        let payloads = ClusterMessage.payloads(node: "n-a", events: events)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count < ClusterMessage.payloadLimit })
        let runs = try payloads.flatMap { try Self.decode($0).events.map(\.run) }
        #expect(runs == (0..<500).map { "run-\($0)" })
        #expect(try payloads.allSatisfy { try Self.decode($0).overflow == nil })
    }

    @Test func pastTheBudgetOnlyWhatTheEngineNeedsIsToldAndOverflowIsSaid() throws {
        var events = (0..<2_000).map { index in
            ClusterMessage.Event(.runEnded(JobRun(runID: "run-\(index)", jobID: "job-\(index)", status: .succeeded)))!
        }
        events.insert(
            ClusterMessage.Event(
                .runStarted(
                    JobRun(runID: "long", jobID: "etl", status: .running, startTime: Date()), hasMaxRuntime: true)
            )!, at: 1_000)
        events.append(
            ClusterMessage.Event(
                .alertsChanged([AlertChange(alertID: 1, jobID: "etl", kind: .failed, change: .opened)]))!)
        let payloads = ClusterMessage.payloads(node: "n-a", events: events, budget: 16 * 1024)
        let messages = try payloads.map(Self.decode)
        #expect(messages.last?.overflow == true)
        let kinds = messages.flatMap { $0.events.map(\.kind) }
        #expect(kinds == [.runStarted, .alertsChanged], "the run with a deadline and the alert, not the 2,000 ends")
    }
}
