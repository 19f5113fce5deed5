import Foundation
import MonitorDomain

/// What one node tells the others on the channel `cronicle_events` (``ClusterEvents``):
/// the store events it committed since its last message, as JSON of at most
/// ``payloadLimit`` bytes (PostgreSQL refuses a `NOTIFY` payload of 8,000 bytes or more).
///
/// Only what the other nodes' listeners use travels: ids, kinds and states, never a run's
/// output or client information. `overflow` says events were left out (too many at once):
/// the receiver then has its pages and engine read everything again.
struct ClusterMessage: Codable, Sendable {
    /// The sending node (`node_leases.node_id`): a node skips its own messages.
    var node: String
    var events: [Event]
    var overflow: Bool?

    enum CodingKeys: String, CodingKey {
        case node = "n"
        case events = "e"
        case overflow = "o"
    }

    static let channel = "cronicle_events"
    /// Bytes of one payload at most, under PostgreSQL's limit of 8,000.
    static let payloadLimit = 7_900

    /// One ``StoreEvent`` on the wire.
    struct Event: Codable, Sendable {
        enum Kind: String, Codable, Sendable {
            case jobsChanged = "j"
            case runStarted = "rs"
            case runEnded = "re"
            case alertsChanged = "a"
            case syncRecorded = "sr"
            case deliveriesQueued = "dq"
        }

        struct Alert: Codable, Sendable {
            var id: Int64
            var job: String?
            var channel: String?
            var kind: String
            var change: String
        }

        var kind: Kind
        var job: String?
        var run: String?
        /// A run's start, milliseconds since 1970.
        var start: Int64?
        var limited: Bool?
        var status: String?
        var alerts: [Alert]?
        var sync: SyncRecord?

        enum CodingKeys: String, CodingKey {
            case kind = "t"
            case job = "j"
            case run = "r"
            case start = "s"
            case limited = "l"
            case status = "st"
            case alerts = "a"
            case sync = "sr"
        }

        init(kind: Kind) { self.kind = kind }

        /// The wire form of `event`; nil for what is not told to other nodes
        /// (`clusterChanged` is each node's own finding).
        init?(_ event: StoreEvent) {
            switch event {
            case .jobsChanged: kind = .jobsChanged
            case .runStarted(let run, let hasMaxRuntime):
                kind = .runStarted
                job = run.jobID
                self.run = run.runID
                start = run.startTime.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
                limited = hasMaxRuntime
            case .runEnded(let run):
                kind = .runEnded
                job = run.jobID
                self.run = run.runID
                status = run.status.rawValue
            case .alertsChanged(let changes):
                kind = .alertsChanged
                alerts = changes.map {
                    Alert(
                        id: $0.alertID, job: $0.jobID, channel: $0.channel, kind: $0.kind.rawValue,
                        change: $0.change.rawValue)
                }
            case .syncRecorded(let record):
                kind = .syncRecorded
                sync = record
            case .deliveriesQueued: kind = .deliveriesQueued
            case .clusterChanged: return nil
            }
        }

        /// Whether the alert engine needs this event (a run with a deadline to watch, a
        /// change of jobs or alerts): such events are the last left out of a full message.
        var mattersToTheEngine: Bool {
            switch kind {
            case .runStarted: limited == true
            case .runEnded: false
            default: true
            }
        }

        /// The store event it tells, as the receiving node publishes it; nil when it does
        /// not read (a newer node's kind of change, a field missing).
        var storeEvent: StoreEvent? {
            switch kind {
            case .jobsChanged: return .jobsChanged
            case .deliveriesQueued: return .deliveriesQueued
            case .runStarted:
                guard let job, let run else { return nil }
                let started = JobRun(
                    runID: run, jobID: job, status: .running,
                    startTime: start.map { Date(timeIntervalSince1970: Double($0) / 1000) })
                return .runStarted(started, hasMaxRuntime: limited ?? false)
            case .runEnded:
                guard let job, let run, let status = status.flatMap(JobRun.Status.init(rawValue:)) else { return nil }
                return .runEnded(JobRun(runID: run, jobID: job, status: status))
            case .alertsChanged:
                let changes = (alerts ?? []).compactMap { alert -> AlertChange? in
                    guard let kind = JobAlert.Kind(rawValue: alert.kind),
                        let change = AlertChange.Change(rawValue: alert.change)
                    else { return nil }
                    return AlertChange(
                        alertID: alert.id, jobID: alert.job, channel: alert.channel, kind: kind, change: change)
                }
                return changes.isEmpty ? nil : .alertsChanged(changes)
            case .syncRecorded:
                return sync.map { .syncRecorded($0) }
            }
        }
    }

    /// `events` as payloads of at most ``payloadLimit`` bytes each, in order. Past
    /// `budget` bytes in all, only what the engine needs is kept, and the last payload
    /// says `overflow`, so that the receivers' pages read everything again.
    static func payloads(node: String, events: [Event], budget: Int = 64 * 1024) -> [String] {
        let encoder = JSONEncoder()
        var encoded: [(event: Event, bytes: Data)] = events.compactMap { event in
            (try? encoder.encode(event)).map { (event, $0) }
        }
        var overflow = false
        if encoded.reduce(0, { $0 + $1.bytes.count }) > budget {
            overflow = true
            encoded = encoded.filter { $0.event.mattersToTheEngine }
        }
        // `{"n":"<node>","e":[` ... `],"o":true}`
        let head = Data(#"{"n":"\#(node)","e":["#.utf8)
        var payloads: [String] = []
        var current = head
        var count = 0
        var spent = 0
        for (_, bytes) in encoded {
            spent += bytes.count
            if spent > budget {
                overflow = true
                break
            }
            if count > 0, current.count + bytes.count + 16 > payloadLimit {
                current.append(Data("]}".utf8))
                payloads.append(String(decoding: current, as: UTF8.self))
                current = head
                count = 0
            }
            // One event larger than a payload (an apply's long error) is told without it.
            guard head.count + bytes.count + 16 <= payloadLimit else {
                overflow = true
                continue
            }
            if count > 0 { current.append(Data(",".utf8)) }
            current.append(bytes)
            count += 1
        }
        if count > 0 || overflow {
            current.append(Data(overflow ? #"],"o":true}"#.utf8 : "]}".utf8))
            payloads.append(String(decoding: current, as: UTF8.self))
        }
        return payloads
    }
}
