import Config
import CronicleBuildInfo
import Foundation
import MonitorDomain

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running monitor as a sync target (`cronicle-sync --server URL --token T`): plan and
/// apply go through its `/sync` endpoints, so CI needs no access to its disk.
public struct MonitorServerClient: SyncTarget {
    public let baseURL: URL
    public let token: String?
    /// The program that calls, as its requests say (`User-Agent`).
    public let userAgent: String

    public init(baseURL: URL, token: String? = nil, userAgent: String = "cronicle-sync") {
        self.baseURL = baseURL
        self.token = token
        self.userAgent = userAgent
    }

    /// A refusal from the server, with its error envelope's code and message.
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int
        public let code: String
        public let message: String
        public var description: String { status == 0 ? message : "\(message) (HTTP \(status), \(code))" }
    }

    public func plan(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await send("/sync/plan", files: files, source: source, options: options)
    }

    /// Applies with a request id of its own, and sends the same request again when the
    /// connection fails: if the monitor had applied it before the answer was lost, it
    /// answers with that apply's record instead of applying twice.
    public func apply(files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        var options = options
        options.requestID = options.requestID ?? UUID().uuidString.lowercased()
        var attempt = 1
        while true {
            do {
                return try await send("/sync/apply", files: files, source: source, options: options)
            } catch let failure as Failure where failure.status == 0 && attempt < retryDelays.count + 1 {
                try await Task.sleep(for: retryDelays[attempt - 1])
                attempt += 1
            } catch let failure as Failure where failure.status == 0 {
                throw Failure(
                    status: 0, code: failure.code,
                    message: "\(failure.message); tried \(attempt) times. Whether the monitor applied it is "
                        + "unknown: `cronicle-sync status --server \(baseURL)` shows its last applies")
            }
        }
    }

    /// How long to wait before sending an apply again after a connection failure.
    private var retryDelays: [Duration] { [.seconds(1), .seconds(3)] }

    public func history(limit: Int) async throws -> [SyncRecord] {
        struct History: Decodable { var history: [SyncRecord] }
        let data = try await request("GET", "/sync/history?limit=\(limit)", body: nil, accept: [200])
        return try SyncCoding.decoder.decode(History.self, from: data).history
    }

    private func send(_ path: String, files: [DefinitionFile], source: SyncSource, options: SyncOptions) async throws
        -> SyncReport
    {
        let body = SyncRequest(
            source: source,
            files: files.map {
                SyncRequest.File(path: $0.path, contents: String(decoding: $0.contents, as: UTF8.self))
            },
            options: options)
        let data = try await request("POST", path, body: try SyncCoding.encoder.encode(body), accept: [200, 422])
        return try SyncCoding.decoder.decode(SyncReport.self, from: data)
    }

    func request(_ method: String, _ path: String, body: Data?, accept: Set<Int>) async throws -> Data {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw Failure(status: 0, code: "invalid_url", message: "cannot make a URL of \(baseURL) and \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 300
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("\(userAgent)/\(CronicleVersion.current)", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            let reason =
                ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription
                ?? (error as NSError).localizedDescription
            throw Failure(status: 0, code: "unreachable", message: "cannot reach the monitor at \(baseURL): \(reason)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 401 {
            let told =
                ((try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? [String: Any])?[
                    "message"] as? String
            throw Failure(
                status: status, code: "unauthorized",
                message: token == nil
                    ? "the monitor at \(baseURL) needs a key: pass --token with a key from `cronicle keys create` "
                        + "(or the server's API token), or set CRONICLE_API_TOKEN"
                    : "the monitor at \(baseURL) refused the key given (--token or CRONICLE_API_TOKEN): "
                        + (told ?? "it is not one of its keys nor its API token"))
        }
        guard accept.contains(status) else {
            let envelope = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? [String: Any]
            throw Failure(
                status: status, code: envelope?["code"] as? String ?? "http_error",
                message: envelope?["message"] as? String ?? String(decoding: data.prefix(500), as: UTF8.self))
        }
        return data
    }
}
