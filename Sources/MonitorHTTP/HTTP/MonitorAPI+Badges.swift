import Config
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import NIOCore

extension MonitorAPI {
    /// What a badge URL asks for, from its last segment's ending.
    enum BadgeFormat: String, CaseIterable {
        case svg = ".svg"
        case shields = ".shields.json"
        case json = ".json"

        /// The format and the name before it: `nightly.backup.shields.json` is `nightly.backup` as shields.
        static func split(_ file: String) -> (name: String, format: BadgeFormat)? {
            for format in [BadgeFormat.shields, .json, .svg] where file.hasSuffix(format.rawValue) {
                let name = String(file.dropLast(format.rawValue.count))
                return name.isEmpty ? nil : (name.removingPercentEncoding ?? name, format)
            }
            return nil
        }
    }

    /// `GET /badges/job/{signature}/{job_id}.svg|.json|.shields.json` and the same under
    /// `tag`: open to anyone who has the URL, which is signed, and tells a state only.
    /// `GET /badges` (read scope) lists every URL with Markdown to paste.
    func addBadgeRoutes(open router: Router<CronicleRequestContext>, reads: RouterGroup<CronicleRequestContext>) {
        for kind in ["job", "tag"] {
            router.get("/badges/\(kind)/:signature/:file") { request, context in
                let file = try context.parameters.require("file")
                guard let (name, format) = BadgeFormat.split(file) else {
                    throw MonitorError(.notFound, "a badge ends in .svg, .json or .shields.json")
                }
                let subject: Badge.Subject = kind == "job" ? .job(name) : .tag(name)
                guard
                    Badge.verify(
                        try context.parameters.require("signature"), subject, secret: try await store.badgeSecret())
                else {
                    throw MonitorError(
                        .forbidden, "this badge URL's signature does not match; copy the badge's URL from GET /badges")
                }
                return try await badge(subject, format, request)
            }
        }
        reads.get("/badges") { request, _ in
            let secret = try await store.badgeSecret()
            let base = baseURL(request)
            let statuses = try await store.statuses()
            let tags = Set(statuses.flatMap { $0.job.definition.tags }).sorted()
            return json(
                BadgeListRepresentation(
                    jobs: statuses.map { BadgeLinks(.job($0.job.jobID), secret: secret, base: base) },
                    tags: tags.map { BadgeLinks(.tag($0), secret: secret, base: base) }))
        }
    }

    private func badge(_ subject: Badge.Subject, _ format: BadgeFormat, _ request: Request) async throws -> Response {
        let state: Badge.State
        var counts: [Badge.State: Int] = [:]
        switch subject {
        case .job(let id):
            guard let found = try await store.jobAndStatus(id) else { throw MonitorError.jobNotFound(id) }
            state = Badge.State(found.status.state)
        case .tag(let tag):
            let states = try await store.statuses().filter { $0.job.definition.tags.contains(tag) }.map {
                Badge.State($0.status.state)
            }
            guard !states.isEmpty else { throw MonitorError(.notFound, "no job has the tag '\(tag)'") }
            for each in states { counts[each, default: 0] += 1 }
            state = Badge.State.worst(states)
        }
        let body: String
        let type: String
        switch format {
        case .svg:
            body = Badge.svg(label: subject.name, state: state)
            type = "image/svg+xml"
        case .shields:
            var json = JSONWriter()
            json.object { json in
                json.field("schemaVersion", 1)
                json.field("label", subject.name)
                json.field("message", state.rawValue)
                json.field("color", state.color.name)
            }
            body = String(buffer: json.buffer)
            type = "application/json"
        case .json:
            var json = JSONWriter()
            json.object { json in
                switch subject {
                case .job(let id): json.field("job_id", id)
                case .tag(let tag):
                    json.field("tag", tag)
                    json.field("jobs", counts.values.reduce(0, +))
                    for each in Badge.State.allCases { json.key(each.rawValue); json.number(Double(counts[each] ?? 0)) }
                }
                json.field("state", state.rawValue)
            }
            body = String(buffer: json.buffer)
            type = "application/json"
        }
        let tag = "\"" + LowercaseHex.string(SHA256.hash(data: Array(body.utf8)).prefix(8)) + "\""
        // Proxies and README renderers (GitHub's camo) may keep it, but must ask each time.
        var headers: HTTPFields = [.eTag: tag, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == tag
        }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = type
        if format == .svg { headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A job's or tag's badge URLs and the Markdown that shows one.
struct BadgeLinks: JSONRepresentable {
    let subject: Badge.Subject
    let urls: [(format: String, url: String)]
    let markdown: String

    init(_ subject: Badge.Subject, secret: String, base: String) {
        self.subject = subject
        let kind = if case .job = subject { "job" } else { "tag" }
        let name =
            subject.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
            ?? subject.name
        let prefix = "\(base)/badges/\(kind)/\(Badge.signature(subject, secret: secret))/\(name)"
        urls = [("svg", prefix + ".svg"), ("json", prefix + ".json"), ("shields", prefix + ".shields.json")]
        let link = if case .job = subject { "\(base)/ui/jobs/\(name)" } else { "\(base)/?tag=\(name)" }
        markdown = "[![\(subject.name)](\(prefix).svg)](\(link))"
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            switch subject {
            case .job(let id): json.field("job_id", id)
            case .tag(let tag): json.field("tag", tag)
            }
            for (format, url) in urls { json.key(format); json.string(url) }
            json.field("markdown", markdown)
        }
    }
}

/// `{"jobs": [...], "tags": [...]}`.
struct BadgeListRepresentation: JSONRepresentable {
    let jobs: [BadgeLinks]
    let tags: [BadgeLinks]

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("jobs") { json in json.array(jobs) { json, links in links.write(to: &json) } }
            json.field("tags") { json in json.array(tags) { json, links in links.write(to: &json) } }
        }
    }
}
