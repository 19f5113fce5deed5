import Config
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension MonitorAPI {
    /// `POST /sync/plan`, `POST /sync/apply` and `GET /sync/history`: `cronicle-sync
    /// --server` sends the definition files it read; the server validates and reconciles
    /// them with the same code as `--db`. Both need the API token when one is set: a plan
    /// changes nothing, but reading and checking a repository's files costs the server.
    func addSyncRoutes(to router: Router<CronicleRequestContext>) {
        router.post("/sync/plan") { request, _ in
            try authorize(request)
            let body = try await syncRequest(request)
            return try syncResponse(
                try await store.planSync(files: body.jobSourceFiles, source: body.source, options: body.options))
        }
        router.post("/sync/apply") { request, _ in
            try authorize(request)
            let body = try await syncRequest(request)
            return try syncResponse(
                try await store.applySync(files: body.jobSourceFiles, source: body.source, options: body.options))
        }
        router.get("/sync/history") { request, _ in
            let query = try RequestParsing.Query(request, allowed: ["limit"])
            let limit = try query.integer("limit", range: 1...500) ?? 20
            let history = try await store.syncHistory(limit: limit)
            var response = try SyncCoding.encoder.encode(["history": history])
            response.append(contentsOf: "\n".utf8)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: response)))
        }
    }

    private func syncRequest(_ request: Request) async throws -> SyncRequest {
        let buffer = try await RequestParsing.body(request, limit: configuration.maxSyncBodyBytes)
        do {
            return try SyncCoding.decoder.decode(SyncRequest.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw MonitorError(.invalidRequest, "the body is not a sync request: \(Self.describe(error))")
        }
    }

    /// 200 with the report; 422 when the definitions have errors or the plan conflicts,
    /// with the error envelope beside the report's fields.
    private func syncResponse(_ report: SyncReport) throws -> Response {
        var object =
            try JSONSerialization.jsonObject(with: try SyncCoding.encoder.encode(report)) as? [String: Any] ?? [:]
        var status = HTTPResponse.Status.ok
        if report.failed {
            status = .unprocessableContent
            let errors = report.diagnostics.filter { $0.severity == .error }
            let message =
                errors.isEmpty
                ? "\(report.plan?.conflicts.count ?? 0) conflict(s): \(report.plan?.conflicts.first?.message ?? "")"
                : "\(errors.count) error(s) in the job definitions; the first: \(errors[0])"
            object["error"] = ["code": "sync_failed", "message": message]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "'\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "'\(path)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
