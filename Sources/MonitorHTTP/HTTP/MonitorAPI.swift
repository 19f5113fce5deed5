import Config
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore

/// The REST API of DESIGN.md §5 on a Hummingbird router.
public struct MonitorAPI: Sendable {
    let store: any MonitorStoring
    let configuration: ServerConfiguration
    /// The monitor's own counters, shared with the alert engine and the notification sender.
    let metrics: MonitorMetrics
    /// Every route of the server; ``MonitorServer`` fills it once the dashboard's are added too.
    let routes = RouteTable()
    /// Keys, sessions, and the guards of every route group.
    public let access: AccessControl
    /// Each job's labels as `GET /metrics` writes them, from one scrape to the next.
    let metricsLabels = MetricsLabelCache()

    public init(
        store: any MonitorStoring, configuration: ServerConfiguration, metrics: MonitorMetrics = MonitorMetrics()
    ) {
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        access = AccessControl(store: store, apiToken: configuration.apiToken, trustProxy: configuration.trustProxy)
    }

    public func addRoutes(to router: Router<CronicleRequestContext>) {
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware(routes: routes))
        router.add(middleware: HostGuard(listenHost: configuration.host, allowedHosts: configuration.allowedHosts))
        router.add(middleware: CrossSiteRequestGuard())
        // Every route is declared in the group of what it needs (AccessGuard); only the
        // pings through a secret ping URL (and the slug form, which checks its key itself),
        // signed badges, `/health`, sign-in and the dashboard's static files are declared on
        // `router`, open.
        let reads = router.group().add(middleware: access.guarding(.read))
        let changes = router.group().add(middleware: access.guarding(.write))
        addJobRoutes(reads: reads, changes: changes)
        addPingRoutes(runs: router.group().add(middleware: access.guarding(.ping)), open: router)
        addHistoryRoutes(to: reads)
        addNotificationRoutes(reads: reads, changes: changes)
        changes.post("/alerts/:alert_id/acknowledge") { _, context in
            guard let id = context.parameters.get("alert_id").flatMap({ Int64($0) }) else {
                throw MonitorError(.notFound, "alert '\(context.parameters.get("alert_id") ?? "")' does not exist")
            }
            return json(AlertRepresentation(alert: try await store.acknowledgeAlert(id, by: author(context))))
        }
        addSyncRoutes(to: router, reads: reads)
        addAccessRoutes(reads: reads, admin: router.group().add(middleware: access.guarding(.admin)))
        addBadgeRoutes(open: router, reads: reads)
        addMetricsRoute(to: reads)
        addHealthRoute(open: router)
        reads.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
    }

    /// Job configurations: read by anyone, changed with the token.
    private func addJobRoutes(
        reads: RouterGroup<CronicleRequestContext>, changes: RouterGroup<CronicleRequestContext>
    ) {
        reads.get("/jobs") { request, _ in
            let base = baseURL(request)
            let now = store.clock.now
            return json(
                ListRepresentation(
                    key: "jobs",
                    items: try await store.statuses().map {
                        JobRepresentation($0.job, status: $0.status, baseURL: base, now: now)
                    }
                )
            )
        }
        changes.post("/jobs") { request, context in
            let definition = try RequestParsing.jobDefinition(
                try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: true))
            if !definition.notify.isEmpty {
                try RequestParsing.checkChannels(definition.notify, known: try await store.channels().map(\.name))
            }
            let (job, created) = try await store.saveJob(definition, by: author(context))
            return json(JobRepresentation(job, baseURL: baseURL(request)), status: created ? .created : .ok)
        }
        reads.get("/jobs/:job_id") { request, context in
            json(JobRepresentation(try await requireJob(context), baseURL: baseURL(request), now: store.clock.now))
        }
        changes.delete("/jobs/:job_id") { _, context in
            try await store.deleteJob(try jobID(context), by: author(context))
            return Response(status: .noContent)
        }
        reads.get("/jobs/:job_id/stats") { _, context in
            let id = try jobID(context)
            return json(StatsRepresentation(jobID: id, stats: try await store.jobStats(id)))
        }
        reads.get("/jobs/:job_id/status") { _, context in
            json(StatusRepresentation(status: try await store.status(jobID: try jobID(context))))
        }
        changes.post("/jobs/:job_id/pause") { request, context in
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: false)
            let action = try RequestParsing.operatorAction(body, allowed: ["by", "reason"])
            let job = try await store.setPaused(
                try jobID(context), true, by: author(context, statedBy: action.by), reason: action.reason)
            return json(JobRepresentation(job, baseURL: baseURL(request), now: store.clock.now))
        }
        changes.post("/jobs/:job_id/resume") { request, context in
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: false)
            let action = try RequestParsing.operatorAction(body, allowed: ["by"])
            let job = try await store.setPaused(
                try jobID(context), false, by: author(context, statedBy: action.by), reason: nil)
            return json(JobRepresentation(job, baseURL: baseURL(request), now: store.clock.now))
        }
        changes.post("/jobs/:job_id/snooze") { request, context in
            let body = try await RequestParsing.object(request, limit: configuration.maxBodyBytes, required: true)
            let now = store.clock.now
            let action = try RequestParsing.operatorAction(body, allowed: ["for", "until", "by", "reason"])
            let until = try RequestParsing.snoozeEnd(body, now: now)
            let job = try await store.snooze(
                try jobID(context), until: until, by: author(context, statedBy: action.by), reason: action.reason)
            return json(JobRepresentation(job, baseURL: baseURL(request), now: now))
        }
        changes.delete("/jobs/:job_id/snooze") { request, context in
            let job = try await store.endSnooze(try jobID(context), by: author(context))
            return json(JobRepresentation(job, baseURL: baseURL(request), now: store.clock.now))
        }
    }

    /// Who made a change, for the audit log: the key the guard found (followed by the
    /// request's own `by`, when it states one), or the caller's address on an open monitor.
    func author(_ context: CronicleRequestContext, statedBy: String? = nil) -> ChangeAuthor {
        (context.caller ?? Caller(credential: nil, via: .api, address: context.remoteAddress?.ipAddress))
            .author(statedBy: statedBy)
    }

    /// Pages of runs and alerts, newest first, with their filters.
    private func addHistoryRoutes(to router: RouterGroup<CronicleRequestContext>) {
        router.get("/job_runs") { request, _ in
            let query = try RequestParsing.Query(
                request, allowed: ["page", "per_page", "job_id", "status", "since", "until"])
            let page = try await store.runs(
                RunQuery(
                    jobID: query["job_id"], status: try query.choice("status", JobRun.Status.self),
                    since: try query.date("since"), until: try query.date("until"), page: try query.page()))
            return json(
                PageRepresentation(
                    key: "job_runs", items: page.items.map(RunRepresentation.init), page: page.page, total: page.total))
        }
        router.get("/job_runs/:run_id") { _, context in
            let runID = try context.parameters.require("run_id")
            guard let run = try await store.run(runID) else { throw MonitorError.runNotFound(runID) }
            return json(RunRepresentation(run: run, output: try await store.runOutput(runID)))
        }
        router.get("/job_runs/:run_id/output") { _, context in
            let runID = try context.parameters.require("run_id")
            guard try await store.run(runID) != nil else { throw MonitorError.runNotFound(runID) }
            let output = try await store.runOutput(runID)
            // As text, never as a page: a run's output is whatever the job printed.
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/plain; charset=utf-8", .contentDisposition: "inline",
                    Self.outputBytesHeader: "\(output?.receivedBytes ?? 0)",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: output?.bytes ?? [])))
        }
        router.get("/alerts") { request, _ in
            let query = try RequestParsing.Query(
                request, allowed: ["page", "per_page", "job_id", "type", "acknowledged", "resolved"])
            let page = try await store.alerts(
                AlertQuery(
                    jobID: query["job_id"], kind: try query.choice("type", JobAlert.Kind.self),
                    acknowledged: try query.bool("acknowledged"), resolved: try query.bool("resolved"),
                    page: try query.page()))
            return json(
                PageRepresentation(
                    key: "alerts", items: page.items.map(AlertRepresentation.init), page: page.page, total: page.total))
        }
    }

    // MARK: - Helpers

    /// The monitor's address as this client reached it, for ping URLs.
    func baseURL(_ request: Request) -> String {
        PublicAddress.base(publicURL: configuration.publicURL, request: request) ?? configuration.dashboardURL()
    }

    /// The `{job_id}` of the path, percent-decoded (`a%2Eb` is `a.b`) as every client library encodes it.
    func jobID(_ context: CronicleRequestContext) throws -> String {
        let raw = try context.parameters.require("job_id")
        return raw.removingPercentEncoding ?? raw
    }

    private func requireJob(_ context: CronicleRequestContext) async throws -> Job {
        let id = try jobID(context)
        guard let job = try await store.job(id) else { throw MonitorError.jobNotFound(id) }
        return job
    }

    /// The caller's address and user agent. Behind a proxy it is told to trust, the
    /// address is the last `X-Forwarded-For` entry: the one that proxy appended. Earlier
    /// entries come from the client, which can write anything there. Only an IP address
    /// is taken; anything else leaves the connection's address.
    func client(_ request: Request, _ context: CronicleRequestContext) -> (String?, String?) {
        var address = context.remoteAddress?.ipAddress
        if configuration.trustProxy, let forwarded = request.headers[values: Self.forwardedFor].last,
            let last = forwarded.split(separator: ",").last.map({ $0.trimmingCharacters(in: .whitespaces) }),
            HostGuard<CronicleRequestContext>.isAddress(last.lowercased())
        {
            address = last
        }
        return (address, request.headers[.userAgent])
    }

    /// How many bytes of output the run's pings carried, kept or not.
    static let outputBytesHeader = HTTPField.Name("Output-Bytes")!

    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func json(_ value: some JSONRepresentable, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        value.write(to: &writer)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: writer.buffer))
    }
}
