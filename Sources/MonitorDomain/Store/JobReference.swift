/// How a run event names its job: by id (`/jobs/{job_id}/start`, the slug form of the
/// ping URLs) or by the job's `ping_uuid` (`/ping/{uuid}`). Resolved by the store inside
/// the event's own transaction, so a ping by uuid costs no extra round trip.
public enum JobReference: Sendable, Hashable, CustomStringConvertible {
    case id(String)
    case pingUUID(String)

    public var description: String {
        switch self {
        case .id(let id): "job '\(id)'"
        case .pingUUID(let uuid): "ping uuid \(uuid)"
        }
    }

    /// The error for a reference that names no job: the API's 404.
    public var notFound: MonitorError {
        switch self {
        case .id(let id): MonitorError.jobNotFound(id)
        case .pingUUID(let uuid): MonitorError(.notFound, "no job has the ping uuid \(uuid)")
        }
    }
}
