import Config
import Foundation
import MonitorDomain
import NIOCore

/// What one delivery tells, with the facts it needs: the alert, its job and the run that
/// caused it, read when it is sent.
public struct NotificationFacts: Sendable {
    public var delivery: Delivery
    public var channel: ChannelDefinition
    public var alert: JobAlert?
    public var job: Job?
    public var run: JobRun?
    /// The job's dashboard page, a failing channel's deliveries, or the dashboard for a test.
    public var link: String
    /// channel_failing: why the channel's latest delivery did not go through.
    public var channelError: String?
    /// sync_failed: the refused apply.
    public var sync: SyncRecord?

    public init(
        delivery: Delivery, channel: ChannelDefinition, alert: JobAlert?, job: Job?, run: JobRun?, link: String
    ) {
        self.delivery = delivery
        self.channel = channel
        self.alert = alert
        self.job = job
        self.run = run
        self.link = link
    }

    var jobID: String { delivery.jobID ?? alert?.jobID ?? "" }

    /// What the event is about: the job, or for a channel's alert the channel.
    var subject: String { alert?.channel.map { "channel \($0)" } ?? jobID }

    /// One line a person reads at a glance: which job, what happened, since when, and for
    /// a failed run its exit code and message.
    public var line: String {
        switch delivery.event {
        case .test:
            return "Test notification from Cronicle for channel \(channel.name)"
        case .syncFailed:
            guard let sync else { return "An apply of the job definitions was refused" }
            let repository = sync.source.repository.flatMap { $0.isEmpty ? nil : $0 } ?? "a folder"
            let commit = sync.source.commit.flatMap { $0.isEmpty ? nil : " at \($0.prefix(12))" } ?? ""
            return "Apply of \(repository)\(commit) was refused: \((sync.error ?? "no reason given").prefix(300))"
        case .alertResolved:
            return "\(subject): \(kindText) resolved"
        case .alertAcknowledged:
            return "\(subject): \(kindText) acknowledged"
        case .alertOpened, .alertReminder:
            let reminder = delivery.event == .alertReminder ? "still open: " : ""
            guard let alert else { return "\(reminder)\(subject): \(kindText)" }
            switch alert.kind {
            case .channelFailing:
                let why = channelError.map { ": \($0.prefix(300))" } ?? ""
                return "\(reminder)\(subject) is failing: its notifications are not being delivered\(why)"
            case .missedJob:
                let due = alert.fireTime.map { " due \(Timestamp.string(from: $0))" } ?? ""
                let count = alert.missedCount > 1 ? " (\(alert.missedCount) runs missed)" : ""
                return "\(reminder)\(jobID) did not start: the run\(due) was missed\(count)"
            case .longRunning:
                let limit = job?.definition.maxRuntime.map { " of \($0)" } ?? ""
                let since = run?.startTime.map { ", running since \(Timestamp.string(from: $0))" } ?? ""
                return "\(reminder)\(jobID) is running longer than its max_runtime\(limit)\(since)"
            case .failed:
                var text = "\(reminder)\(jobID) failed"
                if let code = run?.exitCode { text += " with exit code \(code)" }
                if let message = run?.message, !message.isEmpty {
                    text += ": \"\(message.prefix(300))\""
                }
                if alert.failureCount > 1 && delivery.event == .alertOpened {
                    text += " (\(alert.failureCount) failed runs in a row)"
                }
                return text
            case .tooFast:
                let limit = job?.definition.minRuntime.map { " of \($0)" } ?? ""
                let lasted = run?.durationSeconds.map { " in \(JobDuration(seconds: Int($0.rounded())))" } ?? ""
                return "\(reminder)\(jobID) finished too fast\(lasted), under its min_runtime\(limit)"
            }
        }
    }

    var kindText: String {
        switch alert?.kind {
        case .missedJob?: "missed run"
        case .longRunning?: "long run"
        case .failed?: "failed run"
        case .tooFast?: "too fast run"
        case .channelFailing?: "delivery failure"
        case nil: "alert"
        }
    }

    /// Whether the event is bad news (red), rather than good news or a test.
    var isProblem: Bool { [.alertOpened, .alertReminder, .syncFailed].contains(delivery.event) }

    /// The webhook body of DESIGN 9.2: versioned, with the alert, job and run as the API
    /// writes them.
    public func webhookBody() -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("version", 1)
            json.field("event", delivery.event.rawValue)
            json.field("delivery_id", delivery.deliveryID)
            json.field("created_at", Timestamp.string(from: delivery.createdAt))
            json.field("channel", channel.name)
            json.key("alert")
            if let alert { AlertRepresentation(alert: alert).write(to: &json) } else { json.null() }
            json.key("job")
            if let job { JobRepresentation(job).write(to: &json) } else { json.null() }
            json.key("run")
            if let run { RunRepresentation(run: run).write(to: &json) } else { json.null() }
            json.key("sync")
            // Exactly as GET /sync/history encodes it.
            json.value(sync.flatMap { try? JSONValue(parsing: SyncCoding.encoder.encode($0)) })
            json.field("text", line)
            json.field("dashboard_url", link)
        }
        return String(buffer: json.buffer)
    }
}

/// A request ready to send: method POST, a URL, headers and a body.
public struct OutgoingRequest: Sendable, Hashable {
    public var url: String
    public var headers: [(String, String)]
    public var body: String

    public static func == (lhs: OutgoingRequest, rhs: OutgoingRequest) -> Bool {
        lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0):\($0.1)" }
                == rhs.headers.map { "\($0.0):\($0.1)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(url)
        hasher.combine(body)
    }
}
