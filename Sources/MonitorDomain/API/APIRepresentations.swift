import Config
import Cron
import Foundation
import NIOCore

/// A value the API answers with, written as JSON by ``JSONWriter``.
package protocol JSONRepresentable {
    func write(to json: inout JSONWriter)
}

extension JSONRepresentable {
    /// The value as JSON text.
    package var jsonText: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(buffer: writer.buffer)
    }
}

/// The JSON shapes of DESIGN.md §5, built from domain values: the API answers with them,
/// and notification payloads carry the same objects. Durations are minutes;
/// timestamps are ``Timestamp`` strings.
package struct JobRepresentation: JSONRepresentable {
    package let job: Job
    /// In lists, each job's derived status (`status`, `next_fire_time`, `deadline`).
    package let status: JobStatus?
    /// The monitor's address as clients reach it (`https://cron.example.com`), for `ping_url`.
    package let baseURL: String?

    /// The snooze is shown only while it is in force at `now`; nil shows it as stored.
    package let now: Date?

    package init(_ job: Job, status: JobStatus? = nil, baseURL: String? = nil, now: Date? = nil) {
        self.job = job
        self.status = status
        self.baseURL = baseURL
        self.now = now
    }

    package func write(to json: inout JSONWriter) {
        let definition = job.definition
        json.object { json in
            json.field("job_id", definition.jobID)
            json.field("description", definition.description)
            json.field("schedule", definition.schedule)
            json.field("every", definition.every?.minutes)
            json.field("every_seconds", definition.every?.seconds)
            json.field("schedule_description", definition.scheduleExplanation)
            json.field("timezone", definition.timezone)
            json.field("tolerance", definition.tolerance.minutes)
            json.field("tolerance_seconds", definition.tolerance.seconds)
            json.field("max_runtime", definition.maxRuntime?.minutes)
            json.field("max_runtime_seconds", definition.maxRuntime?.seconds)
            json.field("is_health_check", definition.isHealthCheck)
            json.field("tags") { json in json.array(definition.tags) { json, tag in json.string(tag) } }
            json.field("paused", job.isPaused)
            json.field("paused_at", job.operatorPause.map { Timestamp.string(from: $0.at) })
            json.field("paused_by", job.operatorPause?.by)
            json.field("pause_reason", job.operatorPause?.reason)
            let snooze = now.map { job.activeSnooze(at: $0) } ?? job.snooze
            json.field("snoozed_until", snooze.map { Timestamp.string(from: $0.until) })
            json.field("snoozed_by", snooze?.by)
            json.field("snooze_reason", snooze?.reason)
            json.field("min_runtime", definition.minRuntime?.minutes)
            json.field("min_runtime_seconds", definition.minRuntime?.seconds)
            json.field("failure_threshold", definition.failureThreshold)
            json.key("labels")
            json.object { json in
                for (name, value) in definition.labels.sorted(by: { $0.key < $1.key }) {
                    json.key(name)
                    json.string(value)
                }
            }
            json.field("notify") { json in json.array(definition.notify) { json, name in json.string(name) } }
            json.field("expect", definition.expect.rawValue)
            json.field("watch_from", definition.watchFrom.rawValue)
            json.field("ping_uuid", definition.pingUUID)
            json.field("ping_url", definition.pingUUID.flatMap { uuid in baseURL.map { "\($0)/ping/\(uuid)" } })
            json.field("managed_by", job.managedBy.rawValue)
            json.key("source")
            OriginRepresentation(origin: job.origin).write(to: &json)
            json.field("created_at", Timestamp.string(from: job.createdAt))
            json.field("updated_at", Timestamp.string(from: job.updatedAt))
            if let status {
                json.field("status", status.state.rawValue)
                json.field("next_fire_time", status.nextFireTime.map(Timestamp.string))
                json.field("deadline", status.deadline.map(Timestamp.string))
                json.field("failure_streak", status.failureStreak)
            }
        }
    }
}

package struct RunRepresentation: JSONRepresentable {
    package let run: JobRun
    /// A single run's output (`GET /job_runs/{run_id}`); lists leave it out.
    package let output: RunOutput?
    package let includesOutput: Bool

    package init(run: JobRun) {
        self.run = run
        self.output = nil
        self.includesOutput = false
    }

    /// The run with its output (null when its pings carried none).
    package init(run: JobRun, output: RunOutput?) {
        self.run = run
        self.output = output
        self.includesOutput = true
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("run_id", run.runID)
            json.field("job_id", run.jobID)
            json.field("status", run.status.rawValue)
            json.field("start_time", run.startTime.map(Timestamp.string))
            json.field("end_time", run.endTime.map(Timestamp.string))
            json.field("duration", run.duration)
            json.field("duration_seconds", run.durationSeconds)
            json.field("exit_code", run.exitCode)
            json.field("message", run.message)
            json.key("client_info")
            json.value(run.clientInfo)
            json.field("remote_addr", run.remoteAddress)
            json.field("user_agent", run.userAgent)
            if includesOutput {
                json.field("output", output?.text)
                json.field("output_bytes", output?.receivedBytes)
                json.field("output_truncated", output?.isTruncated ?? false)
            }
        }
    }
}

package struct AlertRepresentation: JSONRepresentable {
    package let alert: JobAlert

    package init(alert: JobAlert) { self.alert = alert }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", Int(alert.id))
            json.field("job_id", alert.jobID)
            json.field("channel", alert.channel)
            json.field("type", alert.kind.rawValue)
            json.field("created_at", Timestamp.string(from: alert.createdAt))
            json.field("fire_time", alert.fireTime.map(Timestamp.string))
            json.field("last_fire_time", alert.lastFireTime.map(Timestamp.string))
            json.field("run_id", alert.runID)
            json.field("last_run_id", alert.lastRunID)
            json.field("missed_count", alert.missedCount)
            json.field("failure_count", alert.failureCount)
            json.field("acknowledged", alert.acknowledged)
            json.field("acknowledged_at", alert.acknowledgedAt.map(Timestamp.string))
            json.field("resolved_at", alert.resolvedAt.map(Timestamp.string))
            json.field("silenced", alert.silenced)
        }
    }
}

package struct StatusRepresentation: JSONRepresentable {
    package let status: JobStatus

    package init(status: JobStatus) { self.status = status }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("job_id", status.jobID)
            json.field("status", status.state.rawValue)
            json.key("last_run")
            if let run = status.lastRun { RunRepresentation(run: run).write(to: &json) } else { json.null() }
            json.field("next_fire_time", status.nextFireTime.map(Timestamp.string))
            json.field("deadline", status.deadline.map(Timestamp.string))
            json.field("failure_streak", status.failureStreak)
            json.field("open_alerts") { json in
                json.array(status.openAlerts) { json, alert in AlertRepresentation(alert: alert).write(to: &json) }
            }
        }
    }
}

/// `{"jobs": [...]}`: a list under one key.
package struct ListRepresentation<Item: JSONRepresentable>: JSONRepresentable {
    package let key: StaticString
    package let items: [Item]

    package init(key: StaticString, items: [Item]) {
        self.key = key
        self.items = items
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field(key) { json in json.array(items) { json, item in item.write(to: &json) } }
        }
    }
}

/// `{"job_runs": [...], "page": 1, "per_page": 10, "total": 42}` and the like.
package struct PageRepresentation<Item: JSONRepresentable>: JSONRepresentable {
    package let key: StaticString
    package let items: [Item]
    package let page: PageRequest
    package let total: Int

    package init(key: StaticString, items: [Item], page: PageRequest, total: Int) {
        self.key = key
        self.items = items
        self.page = page
        self.total = total
    }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field(key) { json in json.array(items) { json, item in item.write(to: &json) } }
            json.field("page", page.page)
            json.field("per_page", page.perPage)
            json.field("total", total)
        }
    }
}

/// A channel as `GET /channels` lists it: its settings with secrets as written (by
/// reference), its state and its latest delivery.
package struct ChannelRepresentation: JSONRepresentable {
    package let channel: Channel
    package let state: ChannelDeliveryState
    package let now: Date

    package init(channel: Channel, state: ChannelDeliveryState, now: Date) {
        self.channel = channel
        self.state = state
        self.now = now
    }

    package func write(to json: inout JSONWriter) {
        let definition = channel.definition
        json.object { json in
            json.field("channel", definition.name)
            json.field("type", definition.kind.rawValue)
            json.key("match")
            MatchRepresentation(match: definition.match).write(to: &json)
            json.key("types")
            if let types = definition.types {
                json.array(types) { json, type in json.string(type.rawValue) }
            } else {
                json.null()
            }
            json.field("send_resolved", definition.sendResolved)
            json.field("repeat_every", definition.repeatEvery?.description)
            json.field("group_interval", definition.groupInterval?.description)
            json.field("state", state.isFailing(now: now) ? "failing" : "ok")
            json.key("last_delivery")
            if let last = state.lastDelivery {
                DeliveryRepresentation(delivery: last).write(to: &json)
            } else {
                json.null()
            }
            json.key("source")
            OriginRepresentation(origin: channel.origin).write(to: &json)
        }
    }
}

/// One entry of the delivery log (`GET /notifications`).
package struct DeliveryRepresentation: JSONRepresentable {
    package let delivery: Delivery

    package init(delivery: Delivery) { self.delivery = delivery }

    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("delivery_id", delivery.deliveryID)
            json.field("channel", delivery.channel)
            json.field("event", delivery.event.rawValue)
            json.field("alert_id", delivery.alertID.map(Int.init))
            json.field("job_id", delivery.jobID)
            json.field("sync_id", delivery.syncID.map(Int.init))
            json.field("status", delivery.status.rawValue)
            json.field("attempts", delivery.attempts)
            json.field("last_status_code", delivery.lastStatusCode)
            json.field("last_error", delivery.lastError)
            json.field("created_at", Timestamp.string(from: delivery.createdAt))
            json.field("delivered_at", delivery.deliveredAt.map(Timestamp.string))
            json.field("next_attempt_at", delivery.nextAttemptAt.map(Timestamp.string))
        }
    }
}

/// Where a synced job or channel is defined (`source` in the API): repository, file,
/// line, commit; null for what the API made.
package struct OriginRepresentation: JSONRepresentable {
    package let origin: Job.Origin?

    package func write(to json: inout JSONWriter) {
        guard let origin else { return json.null() }
        json.object { json in
            if let identity = origin.identity { json.field("identity", identity) }
            if let repository = origin.repository { json.field("repository", repository) }
            json.field("file", origin.file)
            json.field("line", origin.line)
            if let commit = origin.commit { json.field("commit", commit) }
        }
    }
}

/// A maintenance window as `GET /windows` answers it: its definition, whether it is open
/// at `now`, and its current or next opening.
package struct WindowRepresentation: JSONRepresentable {
    package let window: MaintenanceWindow
    package let now: Date

    package init(_ window: MaintenanceWindow, now: Date) {
        self.window = window
        self.now = now
    }

    package func write(to json: inout JSONWriter) {
        let definition = window.definition
        json.object { json in
            json.field("window", definition.name)
            json.field("description", definition.description)
            json.field("mode", definition.mode.rawValue)
            json.key("match")
            MatchRepresentation(match: definition.match).write(to: &json)
            var start: Date?
            var end: Date?
            var schedule: String?
            var duration: JobDuration?
            var timezone: String?
            switch definition.timing {
            case .once(let from, let to): (start, end) = (from, to)
            case .recurring(let cron, let span, let zone): (schedule, duration, timezone) = (cron, span, zone)
            }
            json.field("start", start.map(Timestamp.string))
            json.field("end", end.map(Timestamp.string))
            json.field("schedule", schedule)
            json.field("duration", duration?.minutes)
            json.field("duration_seconds", duration?.seconds)
            json.field("timezone", timezone)
            let opening = definition.currentOrNext(after: now)
            json.field("active", definition.occurrence(at: now) != nil)
            json.field("opens_at", opening.map { Timestamp.string(from: $0.start) })
            json.field("closes_at", opening.map { Timestamp.string(from: $0.end) })
            json.key("source")
            OriginRepresentation(origin: window.origin).write(to: &json)
        }
    }
}

/// A channel's or window's `match` (`{"tags": [...], "jobs": [...]}`), or null.
package struct MatchRepresentation: JSONRepresentable {
    package let match: ChannelDefinition.Match?

    package func write(to json: inout JSONWriter) {
        guard let match else { return json.null() }
        json.object { json in
            json.field("tags") { json in json.array(match.tags) { json, tag in json.string(tag) } }
            json.field("jobs") { json in json.array(match.jobs) { json, glob in json.string(glob) } }
        }
    }
}
