import Foundation

/// What happened to one alert.
public struct AlertChange: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable {
        case opened, updated, resolved, acknowledged
    }

    public var alertID: Int64
    public var jobID: String
    public var kind: JobAlert.Kind
    public var change: Change

    public init(alertID: Int64, jobID: String, kind: JobAlert.Kind, change: Change) {
        self.alertID = alertID
        self.jobID = jobID
        self.kind = kind
        self.change = change
    }
}
