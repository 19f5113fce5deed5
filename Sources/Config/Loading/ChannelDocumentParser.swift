import Foundation
import Yams

/// Turns one YAML document with a `channel` key into a ``ChannelDefinition``, or into
/// diagnostics that say which key or value is wrong, as ``JobDocumentParser`` does for jobs.
struct ChannelDocumentParser {
    private var reader: YAMLValueReader
    var diagnostics: [Diagnostic] { reader.diagnostics }
    /// The channel's name when it is well formed, even if the document has other errors:
    /// a job naming it is then not told the channel does not exist.
    private(set) var declaredName: String?

    init(file: String) {
        reader = YAMLValueReader(file: file)
    }

    /// The keys a channel document may have.
    enum Field: String, CaseIterable {
        case channel, type, url, secret, headers, token, to, from, smtp, match, types
        case routingKey = "routing_key", sendResolved = "send_resolved", repeatEvery = "repeat_every"
        case groupInterval = "group_interval"

        /// The channel types a key applies to; nil for every type.
        var kinds: Set<ChannelDefinition.Kind>? {
            switch self {
            case .secret, .headers: [.webhook]
            case .token: [.ntfy]
            case .routingKey: [.pagerduty]
            case .to, .from, .smtp: [.email]
            // E-mail goes to smtp.host, not to a URL.
            case .url: [.webhook, .slack, .discord, .msteams, .ntfy, .pagerduty]
            case .groupInterval: [.slack, .discord, .msteams, .ntfy, .email]
            default: nil
            }
        }

        static func suggestion(for text: String) -> String? {
            let lowered = text.lowercased().replacingOccurrences(of: "-", with: "_")
            return EditDistance.closest(to: lowered, among: allCases.map(\.rawValue))
        }
    }

    /// Longest `repeat_every` and `group_interval`.
    static let longestRepeat = JobDuration(seconds: 31 * 86_400)
    static let longestGroupInterval = JobDuration(seconds: 3_600)

    /// Whether a document is a channel rather than a job: it has a `channel` key.
    static func isChannel(_ node: Node) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.keys.contains { if case .scalar(let key) = $0 { key.string == "channel" } else { false } }
    }

    /// The channel the document defines, or nil when any error was found in it.
    mutating func parse(_ node: Node) -> ChannelDefinition? {
        guard case .mapping(let mapping) = node else { return nil }
        let errorsBefore = diagnostics.count
        let (values, keys) = reader.fields(
            of: mapping, example: "channel", known: { Field(rawValue: $0) }, suggestion: { Field.suggestion(for: $0) })
        for required in [Field.channel, .type] where values[required] == nil {
            reader.report(.missingField, "missing required key '\(required.rawValue)'", at: mapping.mark)
        }
        let name = values[.channel].flatMap { channelName($0) }
        declaredName = name
        guard let kind = values[.type].flatMap({ kind($0) }), let name else { return nil }
        for (field, _) in values.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if let kinds = field.kinds, !kinds.contains(kind) {
                let allowed = ChannelDefinition.Kind.allCases.filter(kinds.contains).map(\.rawValue)
                reader.report(
                    .fieldNotForType,
                    "\(field.rawValue) does not apply to a \(kind.rawValue) channel; it is for "
                        + allowed.joined(separator: ", "),
                    at: keys[field] ?? nil)
            }
        }
        var channel = ChannelDefinition(name: name, kind: kind, location: reader.location(mapping.mark))
        readReceiver(values, kind: kind, mapping: mapping, into: &channel)
        readPolicy(values, into: &channel)
        return diagnostics.count == errorsBefore ? channel : nil
    }

    private mutating func channelName(_ node: Node) -> String? {
        guard let name = reader.text(node, name: Field.channel.rawValue) else { return nil }
        if let problem = JobFieldRules.checkChannelName(name) {
            reader.report(
                problem.rule, problem.message, at: node.mark, offset: YAMLValueReader.quoteWidth(node) + problem.offset)
            return nil
        }
        return name
    }

    private mutating func kind(_ node: Node) -> ChannelDefinition.Kind? {
        guard let text = reader.text(node, name: Field.type.rawValue) else { return nil }
        guard let kind = ChannelDefinition.Kind(rawValue: text) else {
            reader.report(
                .unknownChannelType,
                "type '\(UntrustedText.excerpt(text))' is not a channel type; write one of "
                    + ChannelDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", "),
                at: node.mark)
            return nil
        }
        return kind
    }

    /// Where the channel delivers: its URL, secrets and type-specific settings.
    private mutating func readReceiver(
        _ values: [Field: Node], kind: ChannelDefinition.Kind, mapping: Node.Mapping,
        into channel: inout ChannelDefinition
    ) {
        let needsURL: Set<ChannelDefinition.Kind> = [.webhook, .slack, .discord, .msteams, .ntfy]
        if let node = values[.url] {
            channel.url = url(node)
        } else if needsURL.contains(kind) {
            reader.report(.missingField, "a \(kind.rawValue) channel needs a url", at: mapping.mark)
        }
        if let node = values[.secret] { channel.secret = secret(node, name: "secret", mustBeReference: true) }
        if let node = values[.token] { channel.token = secret(node, name: "token", mustBeReference: true) }
        if let node = values[.routingKey] {
            channel.routingKey = secret(node, name: "routing_key", mustBeReference: true)
        } else if kind == .pagerduty {
            reader.report(.missingField, "a pagerduty channel needs a routing_key", at: mapping.mark)
        }
        if let node = values[.headers] { channel.headers = headers(node) }
        if kind == .email { readEmail(values, mapping: mapping, into: &channel) }
    }

    /// An e-mail channel's recipients, sender and SMTP server, each required.
    private mutating func readEmail(
        _ values: [Field: Node], mapping: Node.Mapping, into channel: inout ChannelDefinition
    ) {
        if let node = values[.to] {
            let written = reader.strings(node, name: "to", item: "address", example: "[oncall@example.com]")
            if case .sequence(let sequence) = node {
                if sequence.isEmpty {
                    reader.report(
                        .missingField, "to is empty; name at least one address, such as [oncall@example.com]",
                        at: node.mark)
                }
                // Each address is checked where it is written.
                let marks = sequence.map(\.mark)
                channel.to = zip(written, marks).filter { address($0.0, name: "to", allowingName: false, at: $0.1) }
                    .map(\.0)
            }
        } else {
            reader.report(.missingField, "an email channel needs to: [address, ...]", at: mapping.mark)
        }
        if let node = values[.from] {
            if let text = reader.text(node, name: "from"),
                address(text, name: "from", allowingName: true, at: node.mark)
            {
                channel.from = text
            }
        } else {
            reader.report(
                .missingField, "an email channel needs from: an address such as cronicle@example.com", at: mapping.mark)
        }
        if let node = values[.smtp] {
            channel.smtp = smtp(node)
        } else {
            reader.report(
                .missingField, "an email channel needs smtp: {host: smtp.example.com, port: 587}", at: mapping.mark)
        }
    }

    private mutating func address(_ text: String, name: String, allowingName: Bool, at mark: Mark?) -> Bool {
        if case .failure(let problem) = EmailAddress.parse(text, allowingName: allowingName) {
            reader.report(.invalidEmailAddress, "\(name): \(problem.message)", at: mark)
            return false
        }
        return true
    }

    /// `smtp: {host, port, security, username, password, ca_file}`.
    private mutating func smtp(_ node: Node) -> ChannelDefinition.SMTP? {
        guard let mapping = reader.mapping(node, name: "smtp", form: "such as {host: smtp.example.com, port: 587}")
        else { return nil }
        enum SMTPField: String, CaseIterable { case host, port, security, username, password, caFile = "ca_file" }
        let (values, _) = reader.fields(
            of: mapping, example: "host", known: { SMTPField(rawValue: $0) },
            suggestion: { EditDistance.closest(to: $0, among: SMTPField.allCases.map(\.rawValue)) })
        let errorsBefore = diagnostics.count
        var security = ChannelDefinition.SMTP.Security.starttls
        if let node = values[.security],
            let value = reader.choice(node, name: "smtp.security", as: ChannelDefinition.SMTP.Security.self)
        {
            security = value
        }
        var host: String?
        if let node = values[.host], let text = reader.text(node, name: "smtp.host") {
            if text.isEmpty
                || text.unicodeScalars.contains(where: {
                    !$0.isASCII || $0.value <= 32 || "/:@".unicodeScalars.contains($0)
                })
            {
                reader.report(
                    .invalidValue, "smtp.host '\(UntrustedText.excerpt(text))' is not a host name or address",
                    at: node.mark)
            } else {
                host = text
            }
        } else if values[.host] == nil {
            reader.report(.missingField, "smtp needs a host, such as host: smtp.example.com", at: mapping.mark)
        }
        let port = values[.port].flatMap { reader.integer($0, name: "smtp.port", in: 1...65_535) }
        let username = values[.username].flatMap { secretText($0, name: "smtp.username") }
        let password = values[.password].flatMap { secret($0, name: "smtp.password", mustBeReference: true) }
        if let node = values[.password], values[.username] == nil {
            reader.report(
                .missingField, "smtp.password is set without smtp.username; set both or neither", at: node.mark)
        }
        if let node = values[.username], security == .none {
            reader.report(
                .invalidValue,
                "smtp.username with security: none would send the password unencrypted; write security: starttls or tls",
                at: node.mark)
        }
        var caFile: String?
        if let node = values[.caFile], let text = reader.text(node, name: "smtp.ca_file") {
            if text.hasPrefix("/") {
                caFile = text
            } else {
                reader.report(
                    .invalidValue, "smtp.ca_file must be an absolute path, such as /etc/ssl/relay-ca.pem", at: node.mark
                )
            }
            if security == .none {
                reader.report(
                    .invalidValue, "smtp.ca_file is for TLS; with security: none it is never used", at: node.mark)
            }
        }
        guard let host, diagnostics.count == errorsBefore else { return nil }
        return ChannelDefinition.SMTP(
            host: host, port: port, security: security, username: username, password: password, caFile: caFile)
    }

    /// Which alerts the channel takes, and how often it speaks.
    private mutating func readPolicy(_ values: [Field: Node], into channel: inout ChannelDefinition) {
        if let node = values[.match] { channel.match = reader.match(node) }
        if let node = values[.types] {
            let names = reader.strings(node, name: "types", item: "type", example: "[missed_job, failed]")
            channel.types = names.compactMap { name in
                guard let type = ChannelDefinition.AlertType(rawValue: name) else {
                    reader.report(
                        .invalidValue,
                        "types: '\(UntrustedText.excerpt(name))' is not an alert type; write any of "
                            + ChannelDefinition.AlertType.allCases.map(\.rawValue).joined(separator: ", "),
                        at: node.mark)
                    return nil
                }
                return type
            }
        }
        if let node = values[.sendResolved], let flag = reader.bool(node, name: Field.sendResolved.rawValue) {
            channel.sendResolved = flag
        }
        if let node = values[.repeatEvery] {
            channel.repeatEvery = bounded(
                node, name: Field.repeatEvery.rawValue, from: JobDuration(seconds: 60), to: Self.longestRepeat)
        }
        if let node = values[.groupInterval] {
            channel.groupInterval = bounded(
                node, name: Field.groupInterval.rawValue, from: JobDuration(seconds: 0), to: Self.longestGroupInterval)
        }
    }

    private mutating func bounded(_ node: Node, name: String, from lowest: JobDuration, to longest: JobDuration)
        -> JobDuration?
    {
        guard let duration = reader.duration(node, name: name) else { return nil }
        guard duration >= lowest, duration <= longest else {
            reader.report(
                .outOfRange, "\(name) must be from \(lowest) to \(longest), found \(duration)", at: node.mark)
            return nil
        }
        return duration
    }

    /// A text that may hold `${env:...}` and `${file:...}` references, well formed.
    private mutating func secretText(_ node: Node, name: String) -> SecretText? {
        guard let text = reader.text(node, name: name) else { return nil }
        let value = SecretText(text)
        if case .failure(let problem) = value.parts() {
            reader.report(
                .invalidSecretReference, "\(name): \(problem.message)", at: node.mark,
                offset: YAMLValueReader.quoteWidth(node) + problem.offset)
            return nil
        }
        if text.contains("whsec_") && value.isLiteral {
            reader.report(
                .literalSecret,
                "\(name) holds a signing secret (whsec_...) in the file; keep it out of git and write "
                    + "${env:NAME} or ${file:/path} instead",
                at: node.mark)
            return nil
        }
        return value
    }

    private mutating func secret(_ node: Node, name: String, mustBeReference: Bool) -> SecretText? {
        guard let value = secretText(node, name: name) else { return nil }
        if mustBeReference && value.references.isEmpty {
            reader.report(
                .literalSecret,
                "\(name) is a secret and is written in the file; keep it out of git and write "
                    + "\(name): ${env:NAME} or \(name): ${file:/path} instead",
                at: node.mark)
            return nil
        }
        return value
    }

    private mutating func url(_ node: Node) -> SecretText? {
        guard let value = secretText(node, name: "url") else { return nil }
        guard value.isLiteral else { return value }
        guard let url = WebURL.parse(value.written) else {
            reader.report(
                .invalidURL,
                "url '\(UntrustedText.excerpt(value.written))' is not an http or https URL with a host",
                at: node.mark)
            return nil
        }
        if let kind = Self.secretBearing(url) {
            reader.report(
                .literalSecret,
                "url is a \(kind) URL, which is itself a secret (anyone who has it can post); keep it out of git "
                    + "and write url: ${env:NAME} or url: ${file:/path} instead",
                at: node.mark)
            return nil
        }
        return value
    }

    /// The kind of webhook whose URL carries its own credential, if `url` is one.
    static func secretBearing(_ url: URL) -> String? {
        let host = url.host?.lowercased() ?? ""
        let path = url.path
        let query = url.query?.lowercased() ?? ""
        if url.password != nil { return "password-bearing" }
        if host == "hooks.slack.com" { return "Slack webhook" }
        if (host == "discord.com" || host == "discordapp.com" || host.hasSuffix(".discord.com"))
            && path.hasPrefix("/api/webhooks/")
        {
            return "Discord webhook"
        }
        if host.hasSuffix(".webhook.office.com") || query.contains("sig=") { return "Teams or Power Automate webhook" }
        return nil
    }

    private mutating func headers(_ node: Node) -> [String: SecretText] {
        guard let mapping = reader.mapping(node, name: "headers", form: "such as {X-Team: ops}") else { return [:] }
        var headers: [String: SecretText] = [:]
        for (key, value) in mapping {
            guard let name = reader.text(key, name: "a header name"), let text = secretText(value, name: name)
            else { continue }
            let credential = ["authorization", "x-api-key", "api-key", "x-auth-token"].contains(name.lowercased())
            if credential && text.references.isEmpty {
                reader.report(
                    .literalSecret,
                    "header \(name) is a credential written in the file; write ${env:NAME} or ${file:/path} instead",
                    at: value.mark)
                continue
            }
            headers[name] = text
        }
        return headers
    }
}
