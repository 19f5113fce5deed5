import Foundation

/// A notification channel as its YAML document defines it: where alerts of which jobs go.
///
/// ```yaml
/// channel: ops-slack
/// type: slack
/// url: ${env:SLACK_OPS_URL}
/// match: {tags: [prod], jobs: ["billing_*"]}
/// types: [missed_job, failed]
/// repeat_every: 4h
/// ```
///
/// Secrets are kept by reference (``SecretText``); the monitor resolves them when it
/// delivers. Encoded as JSON with the YAML's keys, which is how the store keeps it.
public struct ChannelDefinition: Sendable, Hashable, Codable {
    /// The kinds of receiver a channel can be.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case webhook, slack, discord, msteams, ntfy, pagerduty, email
    }

    /// The alert types a channel can be limited to (`types:`), and `sync_failed`, the
    /// event of a refused apply.
    public enum AlertType: String, Sendable, Hashable, Codable, CaseIterable {
        case missedJob = "missed_job"
        case longRunning = "long_running"
        case failed
        case tooFast = "too_fast"
        case channelFailing = "channel_failing"
        case syncFailed = "sync_failed"
    }

    /// Which jobs' alerts a channel receives besides those of the jobs that name it.
    public struct Match: Sendable, Hashable, Codable {
        /// Jobs with any of these tags.
        public var tags: [String]
        /// Jobs whose id matches any of these globs (`*`, `?`, `[...]`).
        public var jobs: [String]

        public init(tags: [String] = [], jobs: [String] = []) {
            self.tags = tags
            self.jobs = jobs
        }

        /// Whether `job` has one of the tags, or an id one of the globs matches.
        public func selects(_ job: JobDefinition) -> Bool {
            tags.contains(where: job.tags.contains) || jobs.contains { Glob.matches($0, job.jobID) }
        }
    }

    /// How an e-mail channel reaches its SMTP server.
    public struct SMTP: Sendable, Hashable, Codable {
        public enum Security: String, Sendable, Hashable, Codable, CaseIterable {
            case starttls, tls, none
        }
        public var host: String
        public var port: Int
        public var security: Security
        public var username: SecretText?
        public var password: SecretText?
        /// A PEM file of certificates to trust instead of the system's, for a relay with a
        /// private certificate authority.
        public var caFile: String?

        public init(
            host: String, port: Int? = nil, security: Security = .starttls, username: SecretText? = nil,
            password: SecretText? = nil, caFile: String? = nil
        ) {
            self.host = host
            self.port = port ?? Self.defaultPort(security)
            self.security = security
            self.username = username
            self.password = password
            self.caFile = caFile
        }

        /// 465 for implicit TLS, 25 without, else the submission port 587.
        public static func defaultPort(_ security: Security) -> Int {
            switch security {
            case .tls: 465
            case .none: 25
            case .starttls: 587
            }
        }

        enum CodingKeys: String, CodingKey {
            case host, port, security, username, password, caFile = "ca_file"
        }
    }

    public var name: String
    public var kind: Kind
    public var url: SecretText?
    /// Webhook: the `whsec_` signing secret, by reference.
    public var secret: SecretText?
    /// Webhook: extra request headers.
    public var headers: [String: SecretText]
    /// ntfy: the access token, by reference.
    public var token: SecretText?
    /// PagerDuty: the integration's routing key, by reference.
    public var routingKey: SecretText?
    /// E-mail: recipients, sender and server.
    public var to: [String]
    public var from: String?
    public var smtp: SMTP?
    public var match: Match?
    /// Nil for every alert type.
    public var types: [AlertType]?
    public var sendResolved: Bool
    /// Remind while an alert is open and unacknowledged.
    public var repeatEvery: JobDuration?
    /// Chat and e-mail: later events within this wait go in one message.
    public var groupInterval: JobDuration?
    /// Where the definition starts, when it came from a file.
    public var location: SourceLocation?

    public init(
        name: String, kind: Kind, url: SecretText? = nil, secret: SecretText? = nil,
        headers: [String: SecretText] = [:], token: SecretText? = nil, routingKey: SecretText? = nil,
        to: [String] = [], from: String? = nil, smtp: SMTP? = nil, match: Match? = nil, types: [AlertType]? = nil,
        sendResolved: Bool = true, repeatEvery: JobDuration? = nil, groupInterval: JobDuration? = nil,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
        self.headers = headers
        self.token = token
        self.routingKey = routingKey
        self.to = to
        self.from = from
        self.smtp = smtp
        self.match = match
        self.types = types
        self.sendResolved = sendResolved
        self.repeatEvery = repeatEvery
        self.groupInterval = groupInterval
        self.location = location
    }

    enum CodingKeys: String, CodingKey {
        case name = "channel", kind = "type", url, secret, headers, token, routingKey = "routing_key", to, from, smtp
        case match, types, sendResolved = "send_resolved", repeatEvery = "repeat_every"
        case groupInterval = "group_interval"
    }

    /// Chat and e-mail channels group events; webhooks and PagerDuty get one request each.
    public var groups: Bool { kind != .webhook && kind != .pagerduty }

    /// Every secret reference in the channel, for the monitor to check it can resolve them.
    public var references: [SecretText.Reference] {
        ([url, secret, token, routingKey, smtp?.username, smtp?.password] + headers.keys.sorted().map { headers[$0] })
            .compactMap { $0 }.flatMap(\.references)
    }

    /// Whether this channel receives the alerts of `job`: named in its `notify`, or
    /// selected by `match`.
    public func receives(_ job: JobDefinition) -> Bool {
        if job.notify.contains(name) { return true }
        guard let match else { return false }
        return match.selects(job)
    }
}

extension JobDuration: Codable {
    /// Encoded as whole seconds.
    public init(from decoder: any Decoder) throws {
        self.init(seconds: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}
