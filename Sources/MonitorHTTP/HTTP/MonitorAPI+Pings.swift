import Config
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import NIOCore

/// The run events a job reports, open to every client: the JSON routes of DESIGN.md §5
/// (`/jobs/{id}/start|end|fail`) and the Healthchecks ping grammar of §10.1
/// (`/ping/{uuid}[/start|/fail|/log|/{exit_status}]`, `/ping/{key}/{job_id}[/...]`).
///
/// The ping routes answer as Healthchecks does, in plain text (`OK`, `not found`, a
/// reason for a 400), with `Ping-Body-Limit` on every answer, and take any method a
/// shell tool sends: GET, HEAD and POST. Their body becomes the run's output, cut at
/// ``ServerConfiguration/pingBodyLimit`` bytes; a longer body is read to its end and
/// the rest dropped, never refused, since the job that sent it has finished.
extension MonitorAPI {
    /// What a ping asks for, from the last segment of its path.
    enum PingAction: Equatable {
        case success
        case start
        case fail
        case log
        case exitStatus(Int)

        /// `start`, `fail`, `log` or an exit status; nil for anything else.
        init?(segment: Substring) {
            switch segment {
            case "start": self = .start
            case "fail": self = .fail
            case "log": self = .log
            default:
                guard !segment.isEmpty, segment.count <= 10, segment.allSatisfy(\.isASCII),
                    segment.allSatisfy(\.isNumber), let status = Int(segment)
                else { return nil }
                self = .exitStatus(status)
            }
        }
    }

    /// `runs` guards the JSON routes with ping keys; the ping grammar is declared `open`: a
    /// secret `ping_uuid` is its own credential, and the slug form checks its key here.
    func addPingRoutes(runs: RouterGroup<CronicleRequestContext>, open router: Router<CronicleRequestContext>) {
        runs.post("/jobs/:job_id/start") { request, context in try await start(request, context) }
        runs.post("/jobs/:job_id/end") { request, context in try await end(request, context, failed: false) }
        runs.post("/jobs/:job_id/fail") { request, context in try await end(request, context, failed: true) }
        // Named as the OpenAPI document names them; the router wants one name per position.
        for path in [
            "/ping/:uuid_or_key", "/ping/:uuid_or_key/:action_or_job_id",
            "/ping/:uuid_or_key/:action_or_job_id/:action",
        ] {
            for method in [HTTPRequest.Method.get, .head, .post] {
                router.on(RouterPath(path), method: method) { request, context in
                    try await ping(request, context)
                }
            }
        }
    }

    // MARK: - The JSON routes

    /// `POST /jobs/{id}/start`: a JSON body (`run_id`, `client_info`), or the same as query
    /// parameters (`?run_id=`) with a plain-text body kept as output.
    private func start(_ request: Request, _ context: CronicleRequestContext) async throws -> Response {
        let query = try RequestParsing.Query(request, allowed: ["run_id"])
        let queryRunID = try RequestParsing.runID(query["run_id"], name: "run_id")
        var start = RunStart()
        if isPlainText(request) {
            start.output = try await output(of: request)
        } else {
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: false)
            try RequestParsing.rejectUnknownKeys(body, allowed: ["client_info", "run_id"])
            start.runID = try RequestParsing.runID(body)
            start.clientInfo = try RequestParsing.clientInfo(body)
        }
        start.runID = start.runID ?? queryRunID
        start.clientInfo = try start.clientInfo ?? clientInfoHeader(request)
        (start.remoteAddress, start.userAgent) = client(request, context)
        let (run, created) = try await store.startRun(.id(try jobID(context)), start)
        metrics.pingReceived(.start)
        return json(RunRepresentation(run: run), status: created ? .created : .ok)
    }

    /// `POST /jobs/{id}/end` and `/fail`: a JSON body (`run_id`, `exit_code`, `message`), or
    /// the same as query parameters with a plain-text body kept as output.
    private func end(_ request: Request, _ context: CronicleRequestContext, failed: Bool) async throws -> Response {
        let query = try RequestParsing.Query(request, allowed: ["run_id", "exit_code", "message"])
        let queryRunID = try RequestParsing.runID(query["run_id"], name: "run_id")
        let queryExitCode = try query.integer("exit_code", range: -2_147_483_648...2_147_483_647)
        var end = RunEnd(failed: failed)
        if isPlainText(request) {
            end.output = try await output(of: request)
        } else {
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: false)
            try RequestParsing.rejectUnknownKeys(body, allowed: ["run_id", "exit_code", "message", "client_info"])
            end.runID = try RequestParsing.runID(body)
            end.exitCode = try RequestParsing.integer(body, "exit_code")
            end.message = try RequestParsing.string(body, "message")
            end.clientInfo = try RequestParsing.clientInfo(body)
        }
        end.runID = end.runID ?? queryRunID
        end.exitCode = end.exitCode ?? queryExitCode
        end.clientInfo = try end.clientInfo ?? clientInfoHeader(request)
        if end.message == nil, let message = query["message"] {
            end.message = try RequestParsing.text(message, "message")
        }
        (end.remoteAddress, end.userAgent) = client(request, context)
        let run = try await store.endRun(.id(try jobID(context)), end)
        metrics.pingReceived(run.status == .failed ? .failure : .success)
        return json(RunRepresentation(run: run))
    }

    /// A body sent as `text/plain` is the run's output, not JSON.
    private func isPlainText(_ request: Request) -> Bool {
        request.headers[.contentType].map { $0.lowercased().hasPrefix("text/plain") } ?? false
    }

    // MARK: - The ping grammar

    /// One ping, answered in plain text whatever happens: ping clients (curl in a
    /// crontab, runitor) read the status and at most a word.
    private func ping(_ request: Request, _ context: CronicleRequestContext) async throws -> Response {
        do {
            let (job, action) = try await pingTarget(context)
            // Other query parameters are left alone: clients add their own (cache busters).
            let rid = request.uri.queryParameters["rid"].map(String.init)
            let runID = try RequestParsing.runID(rid, name: "rid")
            let output = request.method == .head ? nil : try await output(of: request)
            let clientInfo = try clientInfoHeader(request)
            let (address, userAgent) = client(request, context)
            switch action {
            case .start:
                _ = try await store.startRun(
                    job,
                    RunStart(
                        runID: runID, clientInfo: clientInfo, remoteAddress: address, userAgent: userAgent,
                        output: nonEmpty(output)))
                metrics.pingReceived(.start)
            case .log:
                if let output, try await store.logRun(job, runID: runID, output: output) != nil {
                    metrics.pingReceived(.log)
                }
            case .success, .fail, .exitStatus:
                var end = RunEnd(
                    runID: runID, clientInfo: clientInfo, failed: action == .fail, remoteAddress: address,
                    userAgent: userAgent, output: nonEmpty(output))
                if case .exitStatus(let status) = action {
                    guard (0...255).contains(status) else {
                        throw MonitorError(.invalidRequest, "the exit status must be from 0 to 255, found \(status)")
                    }
                    end.exitCode = status
                }
                let run = try await store.endRun(job, end)
                metrics.pingReceived(run.status == .failed ? .failure : .success)
            }
            return pingAnswer(.ok, "OK")
        } catch let error as MonitorError {
            switch error.code {
            case .notFound: return pingAnswer(.notFound, "not found")
            case .invalidRequest, .malformedJSON, .conflict: return pingAnswer(.badRequest, error.message)
            case .forbidden: return pingAnswer(.forbidden, error.message)
            // A database that cannot be written: 503 with Retry-After, as on every route.
            default: throw error
            }
        }
    }

    /// The job and action a ping's path names. `/ping/{uuid}/{action}` when the first
    /// segment is a UUID and the second an action; otherwise two segments are the slug
    /// form `/ping/{key}/{job_id}`, as Healthchecks reads them.
    private func pingTarget(_ context: CronicleRequestContext) async throws -> (JobReference, PingAction) {
        let segments = ["uuid_or_key", "action_or_job_id", "action"].compactMap { context.parameters.get($0) }.map {
            // Decoding costs a Foundation round trip; ping URLs almost never carry an escape.
            $0.contains("%") ? ($0.removingPercentEncoding ?? $0) : $0
        }
        func byUUID(_ text: String) throws -> JobReference {
            guard case .success(let uuid) = JobFieldRules.checkPingUUID(text) else {
                throw MonitorError(.notFound, "not found")
            }
            return .pingUUID(uuid)
        }
        // The slug form's key: `--ping-key`, or a key with the ping scope that covers the job
        // (only a ping key: a URL ends up in crontabs and logs, no place for a write key).
        func bySlug(key: String, jobID: String) async throws -> JobReference {
            if let pingKey = configuration.pingKey,
                AccessGuard.constantTimeEqual(Array(key.utf8), Array(pingKey.utf8))
            {
                return .id(jobID)
            }
            guard let found = try await access.keyRing.activeKey(secret: key), found.scope == .ping else {
                throw MonitorError(.notFound, "not found")
            }
            let tags = found.tags.isEmpty ? [] : try await store.job(jobID)?.definition.tags ?? []
            guard found.covers(jobID: jobID, tags: tags) else {
                throw MonitorError(
                    .forbidden,
                    "the key '\(found.name)' may ping \(found.coverage) only, and job '\(jobID)' is not among them")
            }
            return .id(jobID)
        }
        func action(_ text: String) throws -> PingAction {
            guard let action = PingAction(segment: Substring(text)) else {
                throw MonitorError(
                    .invalidRequest, "'\(UntrustedText.excerpt(text))' is not start, fail, log or an exit status 0-255")
            }
            return action
        }
        switch segments.count {
        case 1:
            return (try byUUID(segments[0]), .success)
        case 2:
            if case .success = JobFieldRules.checkPingUUID(segments[0]),
                PingAction(segment: Substring(segments[1])) != nil
            {
                return (try byUUID(segments[0]), try action(segments[1]))
            }
            return (try await bySlug(key: segments[0], jobID: segments[1]), .success)
        default:
            return (try await bySlug(key: segments[0], jobID: segments[1]), try action(segments[2]))
        }
    }

    private func pingAnswer(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/plain; charset=utf-8", Self.pingBodyLimitHeader: "\(configuration.pingBodyLimit)",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let pingBodyLimitHeader = HTTPField.Name("Ping-Body-Limit")!

    private func nonEmpty(_ output: RunOutput?) -> RunOutput? {
        output.flatMap { $0.receivedBytes > 0 ? $0 : nil }
    }

    /// The body's first ``ServerConfiguration/pingBodyLimit`` bytes; the rest is read and counted.
    private func output(of request: Request) async throws -> RunOutput {
        let limit = configuration.pingBodyLimit
        var kept: [UInt8] = []
        var received = 0
        for try await buffer in request.body {
            received += buffer.readableBytes
            if kept.count < limit {
                kept += buffer.readableBytesView.prefix(limit - kept.count)
            }
        }
        return RunOutput(bytes: kept, receivedBytes: received, limit: limit)
    }

    /// `Cronicle-Client-Info`: the `client_info` object of a client that sends its body as
    /// output (`cronicle exec`), as JSON of at most 4 KiB.
    private func clientInfoHeader(_ request: Request) throws -> JSONValue? {
        guard let text = request.headers[Self.clientInfoHeader] else { return nil }
        guard text.utf8.count <= 4096 else {
            throw MonitorError(.invalidRequest, "the Cronicle-Client-Info header is over 4096 bytes")
        }
        guard let value = try? JSONValue(parsing: text.utf8), case .object = value else {
            throw MonitorError(.invalidRequest, "the Cronicle-Client-Info header must be a JSON object")
        }
        return value
    }

    static let clientInfoHeader = HTTPField.Name("Cronicle-Client-Info")!
}
