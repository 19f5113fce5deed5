import Foundation
import MonitorDomain

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An operator's actions on one job (DESIGN 11.4), as `cronicle snooze`, `unsnooze`,
/// `pause` and `resume` send them.
extension MonitorServerClient {
    /// What the monitor answered about the job after the action.
    public struct JobState: Sendable {
        public var jobID: String
        public var paused: Bool
        public var pausedBy: String?
        public var snoozedUntil: Date?
        public var snoozedBy: String?
    }

    /// Snoozes the job's notifications for `duration` (such as "2h"), at most 7 days.
    public func snooze(jobID: String, for duration: String, reason: String?, by actor: String) async throws -> JobState
    {
        var body: [String: String] = ["for": duration, "by": actor]
        if let reason { body["reason"] = reason }
        return try await jobAction("POST", jobID, "snooze", body)
    }

    public func endSnooze(jobID: String) async throws -> JobState {
        try await jobAction("DELETE", jobID, "snooze", nil)
    }

    public func pause(jobID: String, reason: String?, by actor: String) async throws -> JobState {
        var body = ["by": actor]
        if let reason { body["reason"] = reason }
        return try await jobAction("POST", jobID, "pause", body)
    }

    public func resume(jobID: String, by actor: String) async throws -> JobState {
        try await jobAction("POST", jobID, "resume", ["by": actor])
    }

    private func jobAction(_ method: String, _ jobID: String, _ action: String, _ body: [String: String]?)
        async throws -> JobState
    {
        let escaped = jobID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? jobID
        let data = try await request(
            method, "/jobs/\(escaped)/\(action)", body: try body.map { try JSONEncoder().encode($0) }, accept: [200])
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(status: 200, code: "invalid_answer", message: "the monitor's answer is not a job")
        }
        return JobState(
            jobID: object["job_id"] as? String ?? jobID, paused: object["paused"] as? Bool ?? false,
            pausedBy: object["paused_by"] as? String,
            snoozedUntil: (object["snoozed_until"] as? String).flatMap(Timestamp.parse),
            snoozedBy: object["snoozed_by"] as? String)
    }
}
