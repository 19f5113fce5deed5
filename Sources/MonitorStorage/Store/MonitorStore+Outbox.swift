import Config
import Foundation
import MonitorDomain

/// The outbox of notifications: written with the alert changes, read and updated by the
/// sender. Nothing commits an alert change without its deliveries.
extension MonitorStore {
    /// Writes the deliveries that `changes` call for, in the caller's transaction: one
    /// per channel that receives the job (named in its `notify`, or selected by a
    /// channel's `match`) and takes the alert's type. Openings are told; resolutions
    /// when the channel sends them (`send_resolved`); acknowledgements to PagerDuty,
    /// which acknowledges the incident there too. Growth of an open incident is not an event.
    ///
    /// A channel's own alert (`channel_failing`) goes to every other channel that takes
    /// the type: it has no job for `notify` or `match` to select.
    static func enqueueDeliveries(_ session: any SQLSession, _ changes: [AlertChange], at now: Date) throws {
        let told = changes.filter { $0.change != .updated }
        guard !told.isEmpty else { return }
        let channels = try fetchAllChannels(session).map(\.definition)
        guard !channels.isEmpty else { return }
        var jobs: [String: Job?] = [:]
        for change in told {
            guard let jobID = change.jobID else {
                for channel in channels where channel.name != change.channel {
                    guard let event = event(for: change, on: channel) else { continue }
                    try insertDelivery(session, channel: channel.name, event: event, change: change, at: now)
                }
                continue
            }
            if jobs[jobID] == nil { jobs[jobID] = try fetchJob(session, jobID) }
            guard let job = jobs[jobID] ?? nil else { continue }
            guard try isTold(session, change, of: job, at: now) else { continue }
            for channel in channels where channel.receives(job.definition) {
                guard let event = event(for: change, on: channel) else { continue }
                try insertDelivery(session, channel: channel.name, event: event, change: change, at: now)
            }
        }
    }

    /// Whether a job's alert change is told now (DESIGN 11.3, 11.4): an opening while the
    /// job is silenced (snoozed, or in a `suppress` window) is not, and the alert is marked with why, to be told when
    /// the silence ends (``releaseSilenced(_:at:jobID:)``); the resolution or
    /// acknowledgement of an opening never told is not told either. Resolution is never
    /// silenced otherwise.
    private static func isTold(_ session: any SQLSession, _ change: AlertChange, of job: Job, at now: Date) throws
        -> Bool
    {
        switch change.change {
        case .opened:
            guard let reason = try silence(of: job, at: now, session) else { return true }
            try session.execute(
                "UPDATE job_alerts SET silenced = ? WHERE id = ?", [.text(reason), .integer(change.alertID)])
            return false
        case .resolved, .acknowledged:
            let silenced = try session.fetchOne(
                "SELECT silenced FROM job_alerts WHERE id = ?", [.integer(change.alertID)])?.optionalText(0)
            return silenced == nil
        case .updated:
            return false
        }
    }

    /// Why a job's notifications are held at `now`, as an alert records it, or nil.
    static func silence(of job: Job, at now: Date, _ session: any SQLSession) throws -> String? {
        if job.activeSnooze(at: now) != nil { return "snooze" }
        return try window(.suppress, covering: job.definition, at: now, session).map { "window:\($0.name)" }
    }

    /// Tells the openings of open, unacknowledged alerts whose silence has ended (of
    /// `jobID`'s alone, when given), and marks them told; answers how many alerts.
    static func releaseSilenced(_ session: any SQLSession, at now: Date, jobID: String? = nil) throws -> Int {
        let rows = try session.fetchAll(
            """
            SELECT id, job_id, type, silenced FROM job_alerts
            WHERE resolved_at IS NULL AND silenced IS NOT NULL AND acknowledged_at IS NULL
                \(jobID == nil ? "" : "AND job_id = ?")
            """, jobID.map { [.text($0)] } ?? [])
        // The alerts' jobs wait: a ping resolving one of them must not cross its release.
        try session.lock(jobs: try rows.map { try $0.text(1) })
        var jobs: [String: Job?] = [:]
        var released: [AlertChange] = []
        for row in rows {
            let alertID = try row.int64(0)
            let alertJobID = try row.text(1)
            if jobs[alertJobID] == nil { jobs[alertJobID] = try fetchJob(session, alertJobID) }
            guard let job = jobs[alertJobID] ?? nil else { continue }
            if let reason = try silence(of: job, at: now, session) {
                // Still held, perhaps by something else now (a window after the snooze).
                if reason != (try row.optionalText(3)) {
                    try session.execute(
                        "UPDATE job_alerts SET silenced = ? WHERE id = ?", [.text(reason), .integer(alertID)])
                }
                continue
            }
            // Released only if still held when this transaction gets to it: another node (or
            // an ended snooze) may have released it since the read, and it is told once.
            guard
                try session.execute(
                    "UPDATE job_alerts SET silenced = NULL WHERE id = ? AND silenced IS NOT NULL", [.integer(alertID)])
                    > 0
            else { continue }
            released.append(
                AlertChange(
                    alertID: alertID, jobID: alertJobID, kind: JobAlert.Kind(rawValue: try row.text(2)) ?? .failed,
                    change: .opened))
        }
        try enqueueDeliveries(session, released, at: now)
        return released.count
    }

    /// Tells what snoozes (and windows) held and that may now go out, and forgets the
    /// snoozes that have ended. The sender calls it every few seconds.
    public func releaseSilencedAlerts(at now: Date) async throws -> Int {
        let released = try await write(lane: .background) { session -> Int in
            guard try session.tryLock(.task(.silenceRelease)) else { return 0 }
            try session.lock(.task(.jobChanges))
            try session.execute(
                """
                UPDATE job_configs SET snoozed_until = NULL, snoozed_by = NULL, snooze_reason = NULL
                WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?
                """, [.date(now)])
            return try Self.releaseSilenced(session, at: now)
        }
        if released > 0 { events.publish(.deliveriesQueued) }
        return released
    }

    /// The event a change is for `channel`, or nil when the channel does not take it.
    static func event(for change: AlertChange, on channel: ChannelDefinition) -> Delivery.Event? {
        if let types = channel.types, !types.contains(where: { $0.rawValue == change.kind.rawValue }) { return nil }
        switch change.change {
        case .opened: return .alertOpened
        case .resolved: return channel.sendResolved ? .alertResolved : nil
        case .acknowledged: return channel.kind == .pagerduty ? .alertAcknowledged : nil
        case .updated: return nil
        }
    }

    /// Writes a `sync_failed` delivery for a refused apply to every channel that takes
    /// it: those without `types`, or whose `types` list it. PagerDuty only when listed, as
    /// nothing would ever resolve the incident it opens there.
    static func enqueueSyncFailed(_ session: any SQLSession, _ record: SyncRecord, at now: Date) throws {
        for channel in try fetchAllChannels(session).map(\.definition) {
            let listed = channel.types?.contains(.syncFailed) == true
            guard listed || (channel.types == nil && channel.kind != .pagerduty) else { continue }
            try insertDelivery(
                session, channel: channel.name, event: .syncFailed, change: nil, syncID: record.id, at: now)
        }
    }

    /// Writes one pending delivery and answers its row id.
    @discardableResult
    private static func insertDelivery(
        _ session: any SQLSession, channel: String, event: Delivery.Event, change: AlertChange?, syncID: Int64? = nil,
        at now: Date
    ) throws -> Int64 {
        let row = try session.fetchOne(
            """
            INSERT INTO deliveries (delivery_id, channel, event, alert_id, job_id, sync_id, created_at, status,
                next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)
            RETURNING id
            """,
            [
                .text(RunIdentifier.generate()), .text(channel), .text(event.rawValue),
                change.map { .integer($0.alertID) } ?? .null, .text(change?.jobID),
                syncID.map { .integer($0) } ?? .null, .date(now), .date(now),
            ])
        guard let row else { throw MonitorError(.internalError, "a delivery was written and then not found") }
        return try row.int64(0)
    }

    /// Queues an `alert_reminder` for every open, unacknowledged alert whose last message
    /// to a channel with `repeat_every` is at least that old; answers how many. Only
    /// alerts the channel was told of are reminded of.
    public func enqueueReminders(at now: Date) async throws -> Int {
        let count = try await write(lane: .background) { session -> Int in
            guard try session.tryLock(.task(.reminders)) else { return 0 }
            let channels = try Self.fetchAllChannels(session).map(\.definition).filter { $0.repeatEvery != nil }
            guard !channels.isEmpty else { return 0 }
            var queued = 0
            var jobs: [String: Job?] = [:]
            for channel in channels {
                let every = TimeInterval(channel.repeatEvery!.seconds)
                let rows = try session.fetchAll(
                    """
                    SELECT a.id, a.job_id, a.type, MAX(d.created_at), a.channel FROM job_alerts a
                    JOIN deliveries d ON d.alert_id = a.id AND d.channel = ?
                        AND d.event IN ('alert_opened', 'alert_reminder')
                    WHERE a.resolved_at IS NULL AND a.acknowledged_at IS NULL
                    GROUP BY a.id
                    """, [.text(channel.name)])
                for row in rows {
                    guard now.timeIntervalSince(try row.date(3)) >= every else { continue }
                    let jobID = try row.optionalText(1)
                    if let jobID {
                        if jobs[jobID] == nil { jobs[jobID] = try Self.fetchJob(session, jobID) }
                        // A snoozed job's alerts are not reminded of either.
                        guard let job = jobs[jobID] ?? nil, channel.receives(job.definition),
                            try Self.silence(of: job, at: now, session) == nil
                        else { continue }
                    }
                    let change = AlertChange(
                        alertID: try row.int64(0), jobID: jobID, channel: try row.optionalText(4),
                        kind: JobAlert.Kind(rawValue: try row.text(2)) ?? .failed,
                        change: .opened)
                    try Self.insertDelivery(
                        session, channel: channel.name, event: .alertReminder, change: change, at: now)
                    queued += 1
                }
            }
            return queued
        }
        if count > 0 { events.publish(.deliveriesQueued) }
        return count
    }

    /// Queues a `test` event to `channel` and answers its delivery.
    public func enqueueTest(channel: String) async throws -> Delivery {
        let now = clock.now
        let delivery = try await write { session in
            guard try session.fetchOne("SELECT 1 FROM channels WHERE name = ?", [.text(channel)]) != nil
            else { throw MonitorError(.notFound, "channel '\(channel)' does not exist") }
            let id = try Self.insertDelivery(session, channel: channel, event: .test, change: nil, at: now)
            guard let row = try session.fetchOne("SELECT * FROM deliveries WHERE id = ?", [.integer(id)]) else {
                throw MonitorError(.internalError, "a delivery was written and then not found")
            }
            return try Self.delivery(from: row)
        }
        events.publish(.deliveriesQueued)
        return delivery
    }

    /// Pending deliveries whose time has come, oldest first, at most `limit`: only the
    /// first pending delivery of each channel and alert, so that a resolve never goes
    /// out before the open it follows, however many retries the open needs.
    ///
    /// Where several nodes share the database, the deliveries answered are claimed for
    /// this node (``claimDueDeliveries(at:limit:excluding:node:)``), so that no other
    /// sends them too while it lives.
    public func dueDeliveries(at now: Date, limit: Int, excluding held: Set<String> = []) async throws -> [Delivery] {
        if let node = backend.node {
            return try await claimDueDeliveries(at: now, limit: limit, excluding: held, node: node)
        }
        return try await read { session in
            let exclusion =
                held.isEmpty
                ? "" : " AND channel NOT IN (\(Array(repeating: "?", count: held.count).joined(separator: ", ")))"
            let dialect = session.dialect
            // Prepared once per text: it varies only with the channels held back, which are few.
            return try session.fetchAll(
                """
                SELECT * FROM deliveries d\(dialect.indexedBy("deliveries_due"))
                WHERE status = 'pending' AND next_attempt_at <= ?\(exclusion)
                    AND NOT EXISTS (
                        SELECT 1 FROM deliveries e\(dialect.indexedBy("deliveries_line"))
                        WHERE e.status = 'pending' AND e.channel = d.channel
                            AND e.alert_id IS NOT DISTINCT FROM d.alert_id AND e.id < d.id)
                ORDER BY next_attempt_at, id LIMIT ?
                """, [.date(now)] + held.sorted().map { .text($0) } + [.integer(limit)]
            ).map(Self.delivery)
        }
    }

    /// Claims the due deliveries that no live node holds, as ``dueDeliveries(at:limit:excluding:)``
    /// chooses them, for `node`: each row is taken `FOR UPDATE SKIP LOCKED`, so two nodes
    /// claiming at once take different rows and never wait on each other. A claim holds
    /// while its node's lease lives (however long the node takes to send), and ends when the
    /// lease runs out (2 s after the node stops renewing it) or the outcome is recorded, so
    /// the deliveries a dead node was sending go out from another within seconds: at least
    /// once. A node whose own lease ran out (its renewals stuck) claims nothing until it
    /// renews: the others may be sending its deliveries by then. A claimed delivery stays
    /// pending, so the next of its line waits for its outcome, and order per channel and
    /// alert holds across nodes.
    private func claimDueDeliveries(at now: Date, limit: Int, excluding held: Set<String>, node: String)
        async throws -> [Delivery]
    {
        let exclusion =
            held.isEmpty
            ? "" : " AND channel NOT IN (\(Array(repeating: "?", count: held.count).joined(separator: ", ")))"
        // The rows are chosen and locked in a CTE, which PostgreSQL runs once, then updated:
        // the form its documentation gives for a queue that several consumers take from.
        let claimed = try await write(lane: .background) { session in
            try session.fetchAll(
                """
                WITH taken AS (
                    SELECT id FROM deliveries d
                    WHERE status = 'pending' AND next_attempt_at <= ?2\(exclusion) AND \(Self.unclaimed("d", node: "?1"))
                        AND NOT EXISTS (
                            SELECT 1 FROM deliveries e
                            WHERE e.status = 'pending' AND e.channel = d.channel
                                AND e.alert_id IS NOT DISTINCT FROM d.alert_id AND e.id < d.id)
                        AND NOT EXISTS (
                            SELECT 1 FROM node_leases own WHERE own.node_id = ?1 AND own.expires_at <= clock_timestamp())
                    ORDER BY next_attempt_at, id LIMIT ?
                    FOR UPDATE SKIP LOCKED)
                UPDATE deliveries SET claimed_by = ?1
                FROM taken WHERE deliveries.id = taken.id
                RETURNING deliveries.*
                """, [.text(node), .date(now)] + held.sorted().map { .text($0) } + [.integer(limit)]
            ).map(Self.delivery)
        }
        return claimed.sorted { ($0.nextAttemptAt ?? now, $0.id) < ($1.nextAttemptAt ?? now, $1.id) }
    }

    /// A condition on the delivery `alias`: no node but `node` (a parameter) holds it now.
    private static func unclaimed(_ alias: String, node: String) -> String {
        """
        (\(alias).claimed_by IS NULL OR \(alias).claimed_by = \(node)
            OR NOT EXISTS (SELECT 1 FROM node_leases l WHERE l.node_id = \(alias).claimed_by
                AND l.expires_at > clock_timestamp()))
        """
    }

    /// Where nodes share the database: ` AND` a condition that the delivery is not another
    /// node's to send (its outcome is that node's to write), and the assignment that ends
    /// this node's claim; nothing on SQLite. `node` is the parameter that binds the node.
    private static func claimFragments(shared: Bool, node: String) -> (condition: String, release: String) {
        !shared
            ? ("", "")
            : (" AND status = 'pending' AND (claimed_by IS NULL OR claimed_by = \(node))", ", claimed_by = NULL")
    }

    /// When the next pending delivery is due; nil when none is pending. Where nodes
    /// share the database, those another live node holds are not counted: it sends them.
    public func nextDeliveryAttempt() async throws -> Date? {
        let node = backend.node
        return try await read { session in
            guard let node else {
                return try session.fetchOne("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'")?
                    .optionalDate(0)
            }
            return try session.fetchOne(
                "SELECT MIN(next_attempt_at) FROM deliveries d WHERE status = 'pending' AND \(Self.unclaimed("d", node: "?1"))",
                [.text(node)]
            )?.optionalDate(0)
        }
    }

    /// Records what attempts came to, in transactions of at most
    /// ``attemptsPerTransaction``, so that pings wait little behind a burst's outcomes.
    public func recordAttempts(_ outcomes: [(id: Int64, outcome: DeliveryOutcome)]) async throws {
        var rest = outcomes[...]
        while !rest.isEmpty {
            try await recordAttemptChunk(Array(rest.prefix(Self.attemptsPerTransaction)))
            rest = rest.dropFirst(Self.attemptsPerTransaction)
        }
    }

    static let attemptsPerTransaction = 50

    public func postponeDeliveries(
        channel: String, dueBy now: Date, except probe: Int64, until: Date, statusCode: Int?, error: String
    ) async throws {
        let givenUpBefore = until.addingTimeInterval(-Delivery.retryWindow)
        // In the request lane: one per failing channel, side by side, so with many
        // channels down they would queue as many one-statement background commits, where
        // here they share the pings' batch.
        // Where nodes share the database, only what no other node is sending.
        let claim = Self.claimFragments(shared: backend.node != nil, node: "?8")
        let node = backend.node.map { [SQLValue.text($0)] } ?? []
        try await write { session in
            try session.execute(
                """
                UPDATE deliveries SET attempts = attempts + 1, last_status_code = ?,
                    status = CASE WHEN created_at < ?2 THEN 'failed' ELSE 'pending' END,
                    next_attempt_at = CASE WHEN created_at < ?2 THEN NULL ELSE ? END,
                    last_error = CASE WHEN created_at < ?2 THEN ? || '; given up after 24 hours' ELSE ?4 END
                WHERE status = 'pending' AND channel = ? AND next_attempt_at <= ? AND id != ?\(claim.condition)
                """,
                [
                    .integer(statusCode), .date(givenUpBefore), .date(until), .text(error), .text(channel), .date(now),
                    .integer(probe),
                ] + node)
        }
    }

    private func recordAttemptChunk(_ outcomes: [(id: Int64, outcome: DeliveryOutcome)]) async throws {
        let now = clock.now
        // Where nodes share the database, an outcome is written only while the delivery is
        // still this node's (another may have taken it over after this node's lease ran
        // out), and ends the claim.
        let node = backend.node.map { [SQLValue.text($0)] } ?? []
        let changes = try await write(lane: .background) { session in
            func update(_ assignments: String, _ values: [SQLValue]) throws {
                let claim = Self.claimFragments(shared: !node.isEmpty, node: "?\(values.count + 1)")
                try session.execute(
                    "UPDATE deliveries SET \(assignments)\(claim.release) WHERE id = ?\(claim.condition)", values + node
                )
            }
            for (id, outcome) in outcomes {
                switch outcome {
                case .delivered(let code):
                    try update(
                        """
                        status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_status_code = ?,
                            last_error = NULL, next_attempt_at = NULL
                        """, [.date(now), .integer(code), .integer(id)])
                case .retry(let at, let code, let error):
                    try update(
                        "attempts = attempts + 1, next_attempt_at = ?, last_status_code = ?, last_error = ?",
                        [.date(at), .integer(code), .text(error), .integer(id)])
                case .failed(let code, let error):
                    try update(
                        """
                        status = 'failed', attempts = attempts + 1, next_attempt_at = NULL, last_status_code = ?,
                            last_error = ?
                        """, [.integer(code), .text(error), .integer(id)])
                }
            }
            let changes = try Self.updateChannelAlerts(session, outcomes, at: now)
            try Self.enqueueDeliveries(session, changes, at: now)
            return changes
        }
        events.publish(alerts: changes)
    }

    /// Opens a `channel_failing` alert for each channel whose delivery failed for good in
    /// `outcomes` (and none succeeded), or whose oldest pending delivery has waited over
    /// ten minutes; resolves it when one of its deliveries succeeds.
    private static func updateChannelAlerts(
        _ session: any SQLSession, _ outcomes: [(id: Int64, outcome: DeliveryOutcome)], at now: Date
    ) throws -> [AlertChange] {
        var channelOf: [Int64: String] = [:]
        for row in try session.fetchAll(
            "SELECT id, channel FROM deliveries WHERE id IN \(session.dialect.idList("?"))",
            [.integers(outcomes.map(\.id))])
        {
            channelOf[try row.int64(0)] = try row.text(1)
        }
        var working: Set<String> = []
        var failing: Set<String> = []
        var waiting: Set<String> = []
        // A channel removed since its deliveries were read fails them; that is no alert.
        let existing = Set(try session.fetchAll("SELECT name FROM channels").map { try $0.text(0) })
        for (id, outcome) in outcomes {
            guard let channel = channelOf[id], existing.contains(channel) else { continue }
            switch outcome {
            case .delivered: working.insert(channel)
            case .failed: failing.insert(channel)
            case .retry: waiting.insert(channel)
            }
        }
        func hasWaitedTooLong(_ channel: String) throws -> Bool {
            let oldest = try session.fetchOne(
                "SELECT MIN(created_at) FROM deliveries WHERE status = 'pending' AND channel = ?", [.text(channel)]
            )?.optionalDate(0)
            return ChannelDeliveryState(oldestPending: oldest).hasWaitedTooLong(now: now)
        }
        for channel in waiting.subtracting(working).subtracting(failing) where try hasWaitedTooLong(channel) {
            failing.insert(channel)
        }
        var changes: [AlertChange] = []
        for channel in failing.subtracting(working).sorted() {
            if let opened = try session.fetchOne(
                """
                INSERT INTO job_alerts (channel, type, created_at) VALUES (?, 'channel_failing', ?)
                ON CONFLICT DO NOTHING RETURNING id
                """, [.text(channel), .date(now)])
            {
                changes.append(
                    AlertChange(
                        alertID: try opened.int64(0), jobID: nil, channel: channel, kind: .channelFailing,
                        change: .opened))
            }
        }
        // Resolved by a success, unless a backlog still waits too long (a slow receiver
        // working through it would otherwise open and resolve the alert at every step).
        for channel in working.sorted() where try !hasWaitedTooLong(channel) {
            changes += try resolveChannelAlert(session, channel: channel, at: now)
        }
        return changes
    }

    /// Resolves the open `channel_failing` alert of `channel`, if it has one.
    static func resolveChannelAlert(_ session: any SQLSession, channel: String, at now: Date) throws
        -> [AlertChange]
    {
        try session.fetchAll(
            """
            UPDATE job_alerts SET resolved_at = ?
            WHERE channel = ? AND type = 'channel_failing' AND resolved_at IS NULL RETURNING id
            """, [.date(now), .text(channel)]
        ).map {
            AlertChange(
                alertID: try $0.int64(0), jobID: nil, channel: channel, kind: .channelFailing, change: .resolved)
        }
    }

    /// A page of the delivery log, newest first.
    public func deliveries(_ query: DeliveryQuery) async throws -> Page<Delivery> {
        try await read { session in
            var filter = SQLFilter()
            if let channel = query.channel { filter.add("channel = ?", .text(channel)) }
            if let alertID = query.alertID { filter.add("alert_id = ?", .integer(alertID)) }
            if let jobID = query.jobID { filter.add("job_id = ?", .text(jobID)) }
            if let status = query.status { filter.add("status = ?", .text(status.rawValue)) }
            return try Self.fetchPage(
                session, table: "deliveries", filter: filter, page: query.page, decode: Self.delivery)
        }
    }

    /// Each channel's latest attempted delivery and oldest pending one.
    public func channelDeliveryStates() async throws -> [String: ChannelDeliveryState] {
        try await read { session in
            var states: [String: ChannelDeliveryState] = [:]
            for row in try session.fetchAll(
                """
                SELECT * FROM deliveries WHERE id IN (
                    SELECT MAX(id) FROM deliveries WHERE status != 'pending' OR attempts > 0 GROUP BY channel)
                """)
            {
                let delivery = try Self.delivery(from: row)
                states[delivery.channel, default: ChannelDeliveryState()].lastDelivery = delivery
            }
            for row in try session.fetchAll(
                "SELECT channel, MIN(created_at) FROM deliveries WHERE status = 'pending' GROUP BY channel")
            {
                states[try row.text(0), default: ChannelDeliveryState()].oldestPending = try row.date(1)
            }
            return states
        }
    }

    /// One alert, for a notification's payload.
    public func alert(_ id: Int64) async throws -> JobAlert? {
        try await read { session in
            try session.fetchOne("SELECT * FROM job_alerts WHERE id = ?", [.integer(id)]).map(Self.alert)
        }
    }

    /// One run, for a notification's payload.
    public func run(_ runID: String) async throws -> JobRun? {
        try await read { session in try Self.fetchRun(session, runID) }
    }

    static func delivery(from row: SQLRow) throws -> Delivery {
        Delivery(
            id: try row.int64("id"), deliveryID: try row.text("delivery_id"), channel: try row.text("channel"),
            event: Delivery.Event(rawValue: try row.text("event")) ?? .test,
            alertID: try row.optionalInt64("alert_id"), jobID: try row.optionalText("job_id"),
            syncID: try row.optionalInt64("sync_id"), createdAt: try row.date("created_at"),
            status: Delivery.Status(rawValue: try row.text("status")) ?? .failed, attempts: try row.int("attempts"),
            nextAttemptAt: try row.optionalDate("next_attempt_at"),
            lastStatusCode: try row.optionalInt("last_status_code"), lastError: try row.optionalText("last_error"),
            deliveredAt: try row.optionalDate("delivered_at"))
    }
}
