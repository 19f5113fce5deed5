import Config
import Cron
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage
import Mustache
import NIOCore

/// The web dashboard, served by the monitor itself: pages rendered from Mustache
/// templates (every value escaped), a stylesheet and a small script shipped as the
/// package's resources, and live updates from ``LiveEvents``.
///
/// Pages: the job list at `/`, one job at `/ui/jobs/{job_id}`, alerts at `/ui/alerts`,
/// channels and the delivery log at `/ui/notifications`, the sync history at `/ui/sync`. Each page tells the script which events of
/// `/events` concern it (`data-live` on `main`), and the script redraws it when one comes.
public struct Dashboard: Sendable {
    let store: any MonitorStoring
    let events: LiveEvents
    /// `--public-url`, for the ping URLs job pages show.
    let publicURL: String?
    let library: MustacheLibrary
    let assets: [String: (type: String, body: ByteBuffer)]

    /// Jobs per page of the list.
    static let pageSize = 100

    /// Forbids inline scripts and anything from another origin.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Loads the templates and static files from the package's resources.
    public init(store: any MonitorStoring, events: LiveEvents, publicURL: String? = nil) async throws {
        self.store = store
        self.events = events
        self.publicURL = publicURL
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

    /// The sections of the navigation bar.
    enum Section: String {
        case jobs, alerts, notifications, sync, audit, login
    }

    /// The pages need a `read` key once keys exist (a browser without a session is sent to
    /// `/login`); `/events` too; sign-in and the static files are open.
    public func addRoutes(to router: Router<CronicleRequestContext>, access: AccessControl) {
        let pages = router.group().add(middleware: access.guarding(.page))
        addPageRoutes(to: pages)
        addSignInRoutes(to: router, access: access)
        addAssetRoutes(open: router, reads: router.group().add(middleware: access.guarding(.read)))
    }

    private func addPageRoutes(to router: RouterGroup<CronicleRequestContext>) {
        router.get("/") { request, context in
            let query = try RequestParsing.Query(request, allowed: ["status", "tag", "q", "page"])
            let list = JobListPage(
                statuses: try await store.statuses(), status: try query.choice("status", JobStatus.State.self),
                tag: query["tag"], search: query["q"], page: try query.pageNumber(),
                pageSize: Self.pageSize, now: store.clock.now)
            var pageContext = list.context
            pageContext["maintenance"] =
                WindowBanner(try await store.windows(), now: store.clock.now, horizon: 86_400)
                .context
            return try await page("jobs", pageContext, section: .jobs, caller: context.caller)
        }
        router.get("/ui/jobs/:job_id") { request, context in try await jobPage(request, context) }
        router.get("/ui/alerts") { request, context in try await alertsPage(request, context) }
        router.get("/ui/notifications") { request, context in try await notificationsPage(request, context) }
        router.get("/ui/sync") { request, context in
            let query = try RequestParsing.Query(request, allowed: ["page"])
            let pageNumber = try query.pageNumber()
            let history = try await store.syncHistory(
                page: PageRequest(page: pageNumber, perPage: SyncHistoryPage.perPage))
            return try await page(
                "sync", SyncHistoryPage(history: history).context, section: .sync, caller: context.caller)
        }
        router.get("/ui/audit") { request, context in
            let query = try RequestParsing.Query(request, allowed: ["job_id", "actor", "kind", "page"])
            let jobID = query["job_id"].flatMap { $0.isEmpty ? nil : $0 }
            let actor = query["actor"].flatMap { $0.isEmpty ? nil : $0 }
            let kind = try query.choice("kind", AuditEntry.Kind.self)
            let entries = try await store.audit(
                AuditQuery(
                    jobID: jobID, actor: actor, kind: kind,
                    page: PageRequest(page: try query.pageNumber(), perPage: AuditPage.perPage)))
            return try await page(
                "audit", AuditPage(entries: entries, jobID: jobID, actor: actor, kind: kind).context, section: .audit,
                caller: context.caller)
        }
    }

    /// The stylesheet, the scripts and the live event stream the pages load.
    private func addAssetRoutes(open router: Router<CronicleRequestContext>, reads: RouterGroup<CronicleRequestContext>)
    {
        router.get("/static/:file") { _, context in
            guard let name = context.parameters.get("file"), let asset = assets[name] else {
                throw MonitorError(.notFound, "no such file")
            }
            return Response(
                status: .ok,
                headers: [.contentType: asset.type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
                body: ResponseBody(byteBuffer: asset.body))
        }
        reads.get("/events") { _, _ in
            guard let stream = events.stream() else {
                throw MonitorError(
                    .unavailable, "\(events.streamLimit) live event streams are open, the limit; retry later")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
                ],
                body: ResponseBody(asyncSequence: stream))
        }
    }

    /// One job's page: its definition, next fire times, duration chart, alerts and runs.
    private func jobPage(_ request: Request, _ context: CronicleRequestContext) async throws -> Response {
        let query = try RequestParsing.Query(request, allowed: ["page"])
        let jobID = try context.parameters.require("job_id")
        let runPage = PageRequest(
            page: try query.pageNumber(), perPage: JobPage.runsPerPage)
        async let current = store.jobAndStatus(jobID)
        async let alerts = store.alerts(
            AlertQuery(jobID: jobID, page: PageRequest(page: 1, perPage: JobPage.alertsShown)))
        async let deliveries = store.deliveries(
            DeliveryQuery(jobID: jobID, page: PageRequest(page: 1, perPage: JobPage.deliveriesShown)))
        let recent = try await store.runs(
            RunQuery(jobID: jobID, page: PageRequest(page: 1, perPage: JobPage.chartRuns)))
        // The first page of the history is the newest of the chart's runs: one count, not two.
        let runs =
            runPage.page == 1
            ? Page(items: Array(recent.items.prefix(runPage.perPage)), page: runPage, total: recent.total)
            : try await store.runs(RunQuery(jobID: jobID, page: runPage))
        // A deleted job keeps its page while it has history; an id that never ran has none.
        let job = try await current
        if job == nil, recent.total == 0, try await alerts.total == 0 {
            return try await page(
                "missing", ["title": "No such job", "message": "There is no job '\(jobID)'."], section: .jobs,
                status: .notFound, caller: context.caller)
        }
        let outputs = try await store.runOutputPreviews(runs.items.map(\.runID), limit: JobPage.outputPreviewBytes)
        let shownAlerts = try await alerts
        // The runs the alerts name are mostly on this page already; only the others are read.
        let known = Dictionary(recent.items.map { ($0.runID, $0) }, uniquingKeysWith: { first, _ in first })
        let alertRuns = try await self.runs(
            namedBy: shownAlerts.items.filter { AlertRow.runID(of: $0).map { known[$0] == nil } ?? false }
        ).merging(known) { fetched, _ in fetched }
        let view = JobPage(
            jobID: jobID, job: job, runs: runs, outputs: outputs, chartRuns: recent.items, alerts: shownAlerts,
            alertRuns: alertRuns,
            deliveries: try await deliveries, baseURL: PublicAddress.base(publicURL: publicURL, request: request),
            now: store.clock.now)
        var pageContext = view.context
        if let job {
            pageContext["hasStats"] = true
            pageContext["stats"] = try await store.jobStats(jobID).map { window -> [String: Any] in
                func percent(_ rate: Double?) -> String { rate.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
                func seconds(_ value: Double?) -> String { value.map { DashboardFormat.duration($0 / 60) } ?? "–" }
                return [
                    "days": window.days, "success": percent(window.successRate), "onTime": percent(window.onTimeRate),
                    "missed": window.missed, "expected": window.expected, "p50": seconds(window.durationP50),
                    "p95": seconds(window.durationP95), "runs": window.runs,
                ]
            }
            pageContext["maintenance"] =
                WindowBanner(
                    try await store.windows(), covering: job.job.definition, now: store.clock.now,
                    horizon: 7 * 86_400
                ).context
        }
        return try await page("job", pageContext, section: .jobs, caller: context.caller)
    }

    /// The alerts by state (open, acknowledged, resolved, all), with the count of each.
    private func alertsPage(_ request: Request, _ context: CronicleRequestContext) async throws -> Response {
        let query = try RequestParsing.Query(request, allowed: ["state", "type", "job_id", "page"])
        let state = try query.choice("state", AlertListPage.State.self) ?? .open
        let kind = try query.choice("type", JobAlert.Kind.self)
        let jobID = query["job_id"].flatMap { $0.isEmpty ? nil : $0 }
        let filters = state.filters
        let pageNumber = try query.pageNumber()
        async let alerts = store.alerts(
            AlertQuery(
                jobID: jobID, kind: kind, acknowledged: filters.acknowledged, resolved: filters.resolved,
                page: PageRequest(page: pageNumber, perPage: AlertListPage.perPage)))
        let counts = try await store.alertCounts(jobID: jobID, kind: kind)
        let shown = try await alerts
        async let alertRuns = self.runs(namedBy: shown.items)
        let paused = try await pausedJobs(namedBy: shown.items)
        let view = AlertListPage(
            state: state, kind: kind, jobID: jobID, alerts: shown,
            counts: [
                .open: counts.open, .acknowledged: counts.acknowledged, .resolved: counts.resolved,
                .all: counts.total,
            ], runs: try await alertRuns, pausedJobs: paused)
        return try await page("alerts", view.context, section: .alerts, caller: context.caller)
    }

    /// The channels with their state, and the delivery log filtered by channel, job and status.
    private func notificationsPage(_ request: Request, _ context: CronicleRequestContext) async throws -> Response {
        let query = try RequestParsing.Query(request, allowed: ["channel", "job_id", "status", "page"])
        let channel = query["channel"].flatMap { $0.isEmpty ? nil : $0 }
        let jobID = query["job_id"].flatMap { $0.isEmpty ? nil : $0 }
        let status = try query.choice("status", Delivery.Status.self)
        async let deliveries = store.deliveries(
            DeliveryQuery(
                channel: channel, jobID: jobID, status: status,
                page: PageRequest(page: try query.pageNumber(), perPage: NotificationsPage.perPage)))
        async let states = store.channelDeliveryStates()
        let view = NotificationsPage(
            channels: try await store.channels(), states: try await states, deliveries: try await deliveries,
            channel: channel, jobID: jobID, status: status, now: store.clock.now)
        return try await page("notifications", view.context, section: .notifications, caller: context.caller)
    }

    /// Renders `template` with the navigation bar's facts (the section, the number of
    /// open alerts) added to `context`.
    /// The bar names the signed-in key and offers to sign out.
    func page(
        _ template: String, _ context: [String: Any], section: Section, status: HTTPResponse.Status = .ok,
        caller: Caller?, headers extra: HTTPFields = [:]
    ) async throws -> Response {
        var context = context
        guard library.getTemplate(named: template) != nil else {
            throw MonitorError(.internalError, "the dashboard has no template '\(template)'")
        }
        var navigation: [String: Any] = [section.rawValue: true]
        // Absent rather than 0: Mustache takes any number, 0 too, as true.
        let openAlerts = try await store.alerts(
            AlertQuery(acknowledged: false, resolved: false, page: PageRequest(page: 1, perPage: 1))
        ).total
        if openAlerts > 0 { navigation["openAlerts"] = openAlerts }
        let failing = try await store.alerts(
            AlertQuery(kind: .channelFailing, resolved: false, page: PageRequest(page: 1, perPage: 20)))
        if failing.total > 0 {
            navigation["failingChannels"] = failing.total
            navigation["failingNames"] = failing.items.compactMap(\.channel).joined(separator: ", ")
        }
        if let caller, caller.credential != nil {
            navigation["user"] = caller.name
            navigation["scope"] = caller.scope?.rawValue
        }
        context["nav"] = navigation
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff", .cacheControl: "no-store",
        ]
        headers.append(contentsOf: extra)
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: library.render(context, withTemplate: template) ?? "")))
    }
}
