import Foundation

/// What happened to one alert.
public struct AlertChange: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable {
        case opened, updated, resolved, acknowledged
    }

    public var alertID: Int64
    /// Nil for a channel's alert (`channel_failing`).
    public var jobID: String?
    public var channel: String?
    public var kind: JobAlert.Kind
    public var change: Change

    public init(alertID: Int64, jobID: String?, channel: String? = nil, kind: JobAlert.Kind, change: Change) {
        self.alertID = alertID
        self.jobID = jobID
        self.channel = channel
        self.kind = kind
        self.change = change
    }

    /// `change` to `alert`.
    public init(_ alert: JobAlert, _ change: Change) {
        self.init(alertID: alert.id, jobID: alert.jobID, channel: alert.channel, kind: alert.kind, change: change)
    }
}
