import Config
import Foundation
import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage
import NIOCore

/// Reading request bodies and query strings into domain values, with a 400 that names
/// the field and the problem for anything else.
enum RequestParsing {
    /// The body as a JSON object. An absent or empty body is `[:]` unless `required`.
    /// A body over `limit` bytes is refused as soon as the limit is passed.
    static func object(_ request: Request, limit: Int, required: Bool) async throws -> [String: JSONValue] {
        let buffer = try await body(request, limit: limit)
        if buffer.readableBytes == 0
            || buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
        {
            if required { throw MonitorError(.invalidRequest, "the request body is empty; send a JSON object") }
            return [:]
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: buffer.readableBytesView)
        } catch {
            throw MonitorError(.malformedJSON, "malformed JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw MonitorError(.invalidRequest, "the request body must be a JSON object, found \(value.kind)")
        }
        return object
    }

    /// The whole body, refused with a 413 as soon as it passes `limit` bytes.
    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw MonitorError(.payloadTooLarge, "the request body is \(length) bytes; the limit is \(limit)")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw MonitorError(.payloadTooLarge, "the request body is over the limit of \(limit) bytes")
        }
    }

    static func rejectUnknownKeys(_ object: [String: JSONValue], allowed: [String]) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            var message = "unknown field '\(key)'"
            if let suggestion = JobField.suggestion(for: key).map(\.rawValue), allowed.contains(suggestion) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; expected \(allowed.joined(separator: ", "))"
            }
            throw MonitorError(.invalidRequest, message)
        }
    }

    static func invalid(_ field: String, _ problem: String) -> MonitorError {
        MonitorError(.invalidRequest, "\(field): \(problem)")
    }

    static func string(_ object: [String: JSONValue], _ key: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return try text(value, key)
        case let other?: throw invalid(key, "must be a string, found \(other.kind)")
        }
    }

    /// One of `T`'s raw values: "must be start or end, found 'finish'" for anything else.
    static func choice<T: RawRepresentable & CaseIterable>(_ object: [String: JSONValue], _ key: String, _ type: T.Type)
        throws -> T? where T.RawValue == String
    {
        guard let text = try string(object, key) else { return nil }
        if let value = T(rawValue: text) { return value }
        let choices = T.allCases.map(\.rawValue)
        let listed = choices.dropLast().joined(separator: ", ") + " or " + (choices.last ?? "")
        throw invalid(key, "must be \(listed), found '\(UntrustedText.excerpt(text))'")
    }

    /// Text a client sent as `key`, in a body or a query string.
    static func text(_ value: String, _ key: String) throws -> String {
        // SQLite and C strings end at NUL: the text would be cut there without a word.
        if value.unicodeScalars.contains("\u{0}") {
            throw invalid(key, "must not contain the NUL character (\\u0000)")
        }
        return value
    }

    /// An array of non-empty strings (`tags`, a key's `jobs`); `each` names one in refusals.
    static func strings(_ object: [String: JSONValue], _ key: String, each: String) throws -> [String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let text) = item, !text.isEmpty else {
                    throw invalid(key, "each \(each) must be a non-empty string, found \(item.kind)")
                }
                return try self.text(text, key)
            }
        case let other?: throw invalid(key, "must be an array of strings, found \(other.kind)")
        }
    }

    static func bool(_ object: [String: JSONValue], _ key: String) throws -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw invalid(key, "must be true or false, found \(other.kind)")
        }
    }

    static func integer(_ object: [String: JSONValue], _ key: String) throws -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let number)?
        where number.doubleValue == number.doubleValue.rounded() && abs(number.doubleValue) <= Double(Int32.max) + 1:
            return Int(number.doubleValue)
        case let other?: throw invalid(key, "must be a whole number, found \(other.kind)")
        }
    }

    /// Minutes as a number, or a string with units (`"90s"`), as in job definitions.
    static func duration(_ object: [String: JSONValue], _ key: String) throws -> JobDuration? {
        let value = object[key]
        do throws(JobDuration.ParseError) {
            switch value {
            case nil, .null?: return nil
            case .number(let minutes)?: return try JobDuration(minutes: minutes.doubleValue)
            case .string(let text)?: return try JobDuration(parsing: text)
            default: break
            }
        } catch {
            throw invalid(key, error.message)
        }
        throw invalid(key, "must be a number of minutes or a string such as \"15m\", found \(value!.kind)")
    }

    /// A job definition from a `POST /jobs` body, checked by the same rules as the linter.
    static func jobDefinition(_ object: [String: JSONValue]) throws -> JobDefinition {
        try rejectUnknownKeys(object, allowed: JobField.allCases.filter { $0 != .lint }.map(\.rawValue))
        guard let jobID = try string(object, "job_id") else { throw invalid("job_id", "is required") }
        if let problem = JobFieldRules.checkJobID(jobID) { throw MonitorError(.invalidRequest, problem.message) }
        let schedule = try string(object, "schedule")
        let every = try duration(object, "every")
        switch (schedule, every) {
        case (nil, nil):
            throw invalid(
                "schedule",
                "is required: a cron expression such as \"0 3 * * *\", or every (such as \"1h\") for a "
                    + "job that pings at an interval")
        case (.some, .some):
            throw invalid("every", "a job has either a schedule or every, not both: remove one")
        default: break
        }
        if let schedule, case .failure(let problem) = JobFieldRules.checkSchedule(schedule) {
            throw invalid("schedule", "\(problem.message) (column \(problem.offset + 1))")
        }
        if let every, let problem = JobFieldRules.checkEvery(every) {
            throw MonitorError(.invalidRequest, problem.message)
        }
        var definition = JobDefinition(jobID: jobID, schedule: schedule, every: every)
        if let expect = try choice(object, "expect", JobDefinition.Expect.self) { definition.expect = expect }
        if let watchFrom = try choice(object, "watch_from", JobDefinition.WatchFrom.self) {
            definition.watchFrom = watchFrom
        }
        if let text = try string(object, "ping_uuid") {
            switch JobFieldRules.checkPingUUID(text) {
            case .success(let uuid): definition.pingUUID = uuid
            case .failure(let problem): throw MonitorError(.invalidRequest, problem.message)
            }
        }
        definition.description = try string(object, "description")
        if let timezone = try string(object, "timezone") {
            if let problem = JobFieldRules.checkTimezone(timezone) { throw invalid("timezone", problem.message) }
            definition.timezone = timezone
        }
        if let tolerance = try duration(object, "tolerance") {
            if let problem = JobFieldRules.checkTolerance(tolerance) {
                throw MonitorError(.invalidRequest, problem.message)
            }
            definition.tolerance = tolerance
        }
        if let maxRuntime = try duration(object, "max_runtime") {
            if let problem = JobFieldRules.checkMaxRuntime(maxRuntime) {
                throw MonitorError(.invalidRequest, problem.message)
            }
            definition.maxRuntime = maxRuntime
        }
        if let minRuntime = try duration(object, "min_runtime") {
            if let problem = JobFieldRules.checkMinRuntime(minRuntime) {
                throw MonitorError(.invalidRequest, problem.message)
            }
            definition.minRuntime = minRuntime
        }
        if let threshold = try integer(object, "failure_threshold") {
            if let problem = JobFieldRules.checkFailureThreshold(threshold) {
                throw MonitorError(.invalidRequest, problem.message)
            }
            definition.failureThreshold = threshold
        }
        definition.labels = try labels(object)
        definition.isHealthCheck = try bool(object, "is_health_check") ?? false
        definition.paused = try bool(object, "paused") ?? false
        if let tags = try strings(object, "tags", each: "tag") { definition.tags = tags }
        if let notify = try strings(object, "notify", each: "channel name") {
            for name in notify {
                if let problem = JobFieldRules.checkChannelName(name) {
                    throw invalid("notify", problem.message)
                }
            }
            var seen: Set<String> = []
            definition.notify = notify.filter { seen.insert($0).inserted }
        }
        if let problem = JobFieldRules.checkRuntimeBounds(definition) {
            throw MonitorError(.invalidRequest, problem.message)
        }
        return definition
    }

    /// `notify` of a job made through the API names channels that exist: channels come from
    /// sync only, so a name no apply defined would silently notify nobody.
    static func checkChannels(_ names: [String], known: [String]) throws {
        for name in names where !known.contains(name) {
            var message = "notify names channel '\(name)', which this monitor does not have"
            if let best = EditDistance.closest(to: name, among: known.sorted()) {
                message += "; did you mean '\(best)'?"
            } else if known.isEmpty {
                message += "; it has no channels yet: define them in YAML and apply them with cronicle-sync"
            } else {
                message += "; its channels are \(known.sorted().map { "'\($0)'" }.joined(separator: ", "))"
            }
            throw MonitorError(.invalidRequest, message)
        }
    }

    /// `labels`: an object of names to string values, by the linter's rules.
    static func labels(_ object: [String: JSONValue]) throws -> [String: String] {
        switch object["labels"] {
        case nil, .null?: return [:]
        case .object(let members)?:
            if members.count > JobFieldRules.mostLabels {
                throw invalid("labels", "may have at most \(JobFieldRules.mostLabels) names, found \(members.count)")
            }
            var labels: [String: String] = [:]
            for (name, value) in members {
                if let problem = JobFieldRules.checkLabelName(name) {
                    throw MonitorError(.invalidRequest, problem.message)
                }
                guard case .string(let text) = value else {
                    throw invalid("labels", "label '\(name)' must be a string, found \(value.kind)")
                }
                if let problem = JobFieldRules.checkLabelValue(name, text) {
                    throw MonitorError(.invalidRequest, problem.message)
                }
                labels[name] = text
            }
            return labels
        case let other?: throw invalid("labels", "must be an object such as {\"team\": \"data\"}, found \(other.kind)")
        }
    }

    /// Who did an operator's action, and why, as the body says (`{"by": "alice", "reason":
    /// "disk swap"}`); each at most 200 characters, and no other keys than `allowed`.
    static func operatorAction(_ object: [String: JSONValue], allowed: [String]) throws -> (
        by: String?, reason: String?
    ) {
        try rejectUnknownKeys(object, allowed: allowed)
        var values: [String: String] = [:]
        for key in ["by", "reason"] {
            guard let text = try string(object, key), !text.isEmpty else { continue }
            guard text.count <= 200 else { throw invalid(key, "may be at most 200 characters, found \(text.count)") }
            values[key] = text
        }
        return (values["by"], values["reason"])
    }

    /// When a snooze ends: `for` (a duration such as "2h", or minutes) or `until` (an ISO
    /// 8601 instant), exactly one, at most 7 days from `now` (DESIGN 11.4).
    static func snoozeEnd(_ object: [String: JSONValue], now: Date) throws -> Date {
        let span = try duration(object, "for")
        let until = try string(object, "until")
        let longest = "7 days"
        let end: Date
        switch (span, until) {
        case (nil, nil):
            throw invalid(
                "for", "is required: how long to snooze, such as \"2h\" (at most \(longest)), or until: an instant")
        case (.some, .some):
            throw invalid("until", "a snooze has either for or until, not both: remove one")
        case (let span?, nil):
            guard span.seconds > 0 else { throw invalid("for", "must be longer than 0, found \(span)") }
            end = now.addingTimeInterval(TimeInterval(span.seconds))
        case (nil, let text?):
            guard let instant = Timestamp.parse(text) else {
                throw invalid("until", "must be an ISO 8601 instant such as 2026-11-28T06:00:00Z, found '\(text)'")
            }
            guard instant > now else { throw invalid("until", "must be in the future, found \(text)") }
            end = instant
        }
        guard end.timeIntervalSince(now) <= Job.Snooze.longest else {
            throw MonitorError(.invalidRequest, Job.Snooze.tooLong)
        }
        return end
    }

    /// A run's `client_info`: an object, as the client sent it.
    static func clientInfo(_ object: [String: JSONValue]) throws -> JSONValue? {
        switch object["client_info"] {
        case nil, .null?: return nil
        case .object(let info)?: return .object(info)
        case let other?: throw invalid("client_info", "must be an object, found \(other.kind)")
        }
    }

    /// A run id given by a client: the same shape as a job id.
    static func runID(_ object: [String: JSONValue]) throws -> String? {
        try runID(try string(object, "run_id"), name: "run_id")
    }

    /// A run id from a query parameter (`?run_id=`, the ping grammar's `?rid=`).
    static func runID(_ text: String?, name: String) throws -> String? {
        guard let runID = text else { return nil }
        if let problem = JobFieldRules.checkJobID(runID) {
            throw invalid(name, problem.message.replacingOccurrences(of: "job_id", with: "run id"))
        }
        return runID
    }

    // MARK: - Query strings

    struct Query {
        let parameters: [String: String]

        init(_ request: Request, allowed: [String]) throws {
            var parameters: [String: String] = [:]
            for (key, value) in request.uri.queryParameters {
                let name = String(key)
                guard allowed.contains(name) else {
                    throw MonitorError(
                        .invalidRequest,
                        "unknown query parameter '\(name)'; expected \(allowed.joined(separator: ", "))")
                }
                parameters[name] = String(value)
            }
            self.parameters = parameters
        }

        /// `page`, numbered from 1; 1 when absent.
        func pageNumber() throws -> Int {
            try integer("page", range: 1...1_000_000) ?? 1
        }

        func page() throws -> PageRequest {
            let page = try pageNumber()
            let perPage = try integer("per_page", range: 1...PageRequest.maximumPerPage) ?? 10
            return PageRequest(page: page, perPage: perPage)
        }

        func integer(_ name: String, range: ClosedRange<Int>) throws -> Int? {
            guard let text = parameters[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw MonitorError(
                    .invalidRequest,
                    "query parameter \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func bool(_ name: String) throws -> Bool? {
            guard let text = parameters[name] else { return nil }
            switch text {
            case "true": return true
            case "false": return false
            default:
                throw MonitorError(.invalidRequest, "query parameter \(name) must be true or false, found '\(text)'")
            }
        }

        func date(_ name: String) throws -> Date? {
            guard let text = parameters[name] else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw MonitorError(
                    .invalidRequest, "query parameter \(name) must be an ISO 8601 instant such as 2026-11-28T06:00:00Z")
            }
            return date
        }

        func choice<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T?
        where T.RawValue == String, T: CaseIterable {
            guard let text = parameters[name] else { return nil }
            guard let value = T(rawValue: text) else {
                let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw MonitorError(
                    .invalidRequest, "query parameter \(name) must be one of \(choices), found '\(text)'")
            }
            return value
        }

        subscript(name: String) -> String? { parameters[name] }
    }
}
