import Foundation

/// The keys a job definition may have, spelled as in YAML and JSON.
public enum JobField: String, CaseIterable, Sendable, Hashable, Codable {
    case jobID = "job_id"
    case description
    case schedule
    case timezone
    case tolerance
    case maxRuntime = "max_runtime"
    case isHealthCheck = "is_health_check"
    case tags
    case paused
    case notify
    case every
    case expect
    case watchFrom = "watch_from"
    case pingUUID = "ping_uuid"
    case minRuntime = "min_runtime"
    case failureThreshold = "failure_threshold"
    case labels
    /// `lint: {ignore: [rule, ...]}`: warnings accepted for this job; files only, not the API.
    case lint

    /// The key that `text` most likely meant, for "did you mean" suggestions:
    /// `schedul` suggests `schedule`, `timeZone` suggests `timezone`.
    public static func suggestion(for text: String) -> JobField? {
        let lowered = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if let exact = allCases.first(where: {
            $0.rawValue == lowered || $0.rawValue.replacingOccurrences(of: "_", with: "") == lowered
        }) {
            return exact
        }
        return EditDistance.closest(to: lowered, among: allCases.map(\.rawValue)).flatMap(JobField.init(rawValue:))
    }
}
