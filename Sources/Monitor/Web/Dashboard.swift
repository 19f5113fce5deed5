import Config
import Cron
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The web dashboard, served by the monitor itself: pages rendered from Mustache
/// templates (every value escaped), a stylesheet and a small script shipped as the
/// package's resources, and live updates from ``LiveEvents``.
///
/// Built so far: the job list at `/`. The job, alert and sync pages are not built yet.
public struct Dashboard: Sendable {
    let store: MonitorStore
    let events: LiveEvents
    let library: MustacheLibrary
    let assets: [String: (type: String, body: ByteBuffer)]

    /// Jobs per page of the list.
    static let pageSize = 100

    /// Forbids inline scripts and anything from another origin.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Loads the templates and static files from the package's resources.
    public init(store: MonitorStore, events: LiveEvents) async throws {
        self.store = store
        self.events = events
        // The package copies Web/Resources whole; where a bundle's resources start differs
        // between Foundations, so look for the folder that holds the templates.
        let candidates = [Bundle.module.bundleURL, Bundle.module.resourceURL].compactMap { $0 }.flatMap {
            [$0.appendingPathComponent("Resources"), $0]
        }
        guard
            let resources = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates/jobs.mustache").path)
            })
        else {
            throw MonitorError(.internalError, "the dashboard's resources are missing from \(Bundle.module.bundlePath)")
        }
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        var assets: [String: (type: String, body: ByteBuffer)] = [:]
        for (name, type) in [
            ("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
            ("theme.js", "text/javascript; charset=utf-8"),
        ] {
            let data = try Data(contentsOf: resources.appendingPathComponent("static/\(name)"))
            assets[name] = (type, ByteBuffer(bytes: data))
        }
        self.assets = assets
    }

    public func addRoutes(to router: Router<CronicleRequestContext>) {
        router.get("/") { request, _ in
            let query = try RequestParsing.Query(request, allowed: ["status", "tag", "q", "page"])
            let list = JobListPage(
                statuses: try await store.statuses(), status: try query.choice("status", JobStatus.State.self),
                tag: query["tag"], search: query["q"], page: try query.integer("page", range: 1...1_000_000) ?? 1,
                pageSize: Self.pageSize)
            return html(library.render(list.context, withTemplate: "jobs") ?? "")
        }
        router.get("/static/:file") { _, context in
            guard let name = context.parameters.get("file"), let asset = assets[name] else {
                throw MonitorError(.notFound, "no such file")
            }
            return Response(
                status: .ok,
                headers: [.contentType: asset.type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
                body: ResponseBody(byteBuffer: asset.body))
        }
        router.get("/events") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
                ],
                body: ResponseBody(asyncSequence: events.stream()))
        }
    }

    private func html(_ page: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
