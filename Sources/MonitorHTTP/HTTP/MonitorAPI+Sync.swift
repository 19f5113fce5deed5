import Config
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore
import NIOFoundationCompat

#if canImport(Glibc)
    import Glibc
#endif

extension MonitorAPI {
    /// `POST /sync/plan`, `POST /sync/apply` and `GET /sync/history`: `cronicle-sync
    /// --server` sends the definition files it read; the server validates and reconciles
    /// them with the same code as `--db`. Both need the API token when one is set: a plan
    /// changes nothing, but reading and checking a repository's files costs the server.
    func addSyncRoutes(to router: Router<CronicleRequestContext>, reads: RouterGroup<CronicleRequestContext>) {
        let plans = router.group().add(middleware: access.guarding(.plan))
        let sync = router.group().add(middleware: access.guarding(.sync))
        plans.post("/sync/plan") { request, _ in
            defer { Self.returnFreedMemory() }
            let body = try await syncRequest(request)
            return try syncResponse(
                try await store.planSync(files: body.jobSourceFiles, source: body.source, options: body.options))
        }
        sync.post("/sync/apply") { request, _ in
            defer { Self.returnFreedMemory() }
            let body = try await syncRequest(request)
            return try syncResponse(
                try await store.applySync(files: body.jobSourceFiles, source: body.source, options: body.options))
        }
        reads.get("/sync/history") { request, _ in
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
            // Read in place: the body may be tens of megabytes.
            let data = buffer.getData(
                at: buffer.readerIndex, length: buffer.readableBytes, byteTransferStrategy: .noCopy)
            return try SyncCoding.decoder.decode(SyncRequest.self, from: data ?? Data())
        } catch let error as DecodingError {
            throw MonitorError(.invalidRequest, "the body is not a sync request: \(Self.describe(error))")
        }
    }

    /// 200 with the report; 422 when the definitions have errors or the plan conflicts,
    /// with the error envelope beside the report's fields. Encoded once, straight from
    /// the report: a plan of 100,000 jobs is tens of megabytes of JSON.
    private func syncResponse(_ report: SyncReport) throws -> Response {
        let error = report.failure.map { MonitorError(.syncFailed, $0) }
        let data = try SyncCoding.encoder.encode(SyncAnswer(report: report, error: error))
        return Response(
            status: error?.status ?? .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Gives the memory a large sync freed back to the system. glibc keeps freed memory
    /// in its per-thread arenas, and the requests' allocations land on whichever threads
    /// ran them: without this, each plan of 100,000 jobs left the server hundreds of
    /// megabytes larger.
    private static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, looked up once: it is declared in <malloc.h>, which Swift's
    /// Glibc module leaves out. Nil where there is no glibc.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }()

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

/// The body of a sync answer: the report's fields, and `error` when it failed.
private struct SyncAnswer: Encodable {
    var report: SyncReport
    var error: MonitorError?

    private enum CodingKeys: String, CodingKey {
        case error
    }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        guard let error else { return }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(["code": error.code.description, "message": error.message], forKey: .error)
    }
}
