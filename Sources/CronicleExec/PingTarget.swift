import Foundation

/// Where `cronicle exec` reports a run: a Healthchecks-style ping URL, or the job routes of
/// the monitor's JSON API (DESIGN.md 10.1 and 5).
///
/// ```swift
/// let target = PingTarget.pingURL("http://127.0.0.1:8000/ping/5f2b…", jobID: nil)
/// target.startURL(runID: rid)  // http://127.0.0.1:8000/ping/5f2b…/start?rid=…
/// ```
public enum PingTarget: Sendable, Equatable {
    /// `POST {url}/start?rid=RID`, then `POST {url}/{exit status}?rid=RID` with the output.
    /// `jobID` is the job's id when the URL names it (the slug form), for `CRONICLE_JOB_ID`.
    case pingURL(String, jobID: String?)
    /// `POST {server}/jobs/{id}/start?run_id=RID`, then
    /// `POST {server}/jobs/{id}/end?run_id=RID&exit_code=N&message=…` with the output.
    case job(server: String, id: String)

    /// The job's id when it is known, for the child's `CRONICLE_JOB_ID`.
    public var jobID: String? {
        switch self {
        case .pingURL(_, let jobID): jobID
        case .job(_, let id): id
        }
    }

    /// The URL of the start ping.
    public func startURL(runID: String) -> String {
        switch self {
        case .pingURL(let url, _):
            "\(url)/start?rid=\(Self.queryValue(runID))"
        case .job(let server, let id):
            "\(server)/jobs/\(Self.pathSegment(id))/start?run_id=\(Self.queryValue(runID))"
        }
    }

    /// The URL of the end ping for a run that ended with `exitStatus`; the job routes also
    /// carry `message`, a short description of how it ended.
    public func endURL(runID: String, exitStatus: Int32, message: String) -> String {
        switch self {
        case .pingURL(let url, _):
            "\(url)/\(exitStatus)?rid=\(Self.queryValue(runID))"
        case .job(let server, let id):
            "\(server)/jobs/\(Self.pathSegment(id))/end?run_id=\(Self.queryValue(runID))"
                + "&exit_code=\(exitStatus)&message=\(Self.queryValue(message))"
        }
    }

    /// The `Content-Type` of both pings: the job routes take any text/plain body as output.
    var contentType: String {
        switch self {
        case .pingURL: "text/plain; charset=utf-8"
        case .job: "text/plain"
        }
    }

    /// A one-line hint for a 404, naming the settings to check.
    var notFoundHint: String {
        switch self {
        case .pingURL(_, jobID: .some(let job)):
            "no job '\(job)' answers to this ping key; check --ping-key (CRONICLE_PING_KEY, PING_KEY) "
                + "and --job (CHECK_SLUG)"
        case .pingURL:
            "no job has this ping URL; check --ping-url (or HC_API_URL and CHECK_UUID) against the job's "
                + "ping_url in GET /jobs"
        case .job(let server, let id):
            "the monitor at \(server) has no job '\(id)'; check --job and --server (CRONICLE_URL)"
        }
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
