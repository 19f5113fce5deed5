import Config
import Crypto
import Foundation
import MonitorDomain
import NIOCore

/// Builds the request each channel type expects, from one or more deliveries' facts.
/// Chat and e-mail channels take several events in one message; webhooks and PagerDuty
/// one request per event.
public enum ChannelRequests {
    /// Chat messages list at most this many events; the rest are counted.
    static let listedInGroup = 10

    /// The request for `facts` (one element except for grouping channels). `secret`
    /// resolves the channel's references; `now` stamps webhook signatures.
    public static func request(
        for facts: [NotificationFacts], channel: ChannelDefinition, now: Date,
        secret: (SecretText) throws -> String
    ) throws -> OutgoingRequest {
        let first = facts[0]
        let url = try channel.url.map(secret)
        switch channel.kind {
        case .webhook:
            return try webhook(first, url: url ?? "", channel: channel, now: now, secret: secret)
        case .slack:
            return OutgoingRequest(url: url ?? "", headers: json, body: slack(facts))
        case .discord:
            return OutgoingRequest(url: url ?? "", headers: json, body: discord(facts))
        case .msteams:
            return OutgoingRequest(url: url ?? "", headers: json, body: teams(facts))
        case .ntfy:
            var headers = [
                ("Title", title(facts)), ("Priority", facts.contains(where: \.isProblem) ? "high" : "default"),
                ("Tags", facts.contains(where: \.isProblem) ? "rotating_light" : "white_check_mark"),
                ("Click", first.link), ("Content-Type", "text/plain; charset=utf-8"),
            ]
            if let token = try channel.token.map(secret) { headers.append(("Authorization", "Bearer \(token)")) }
            return OutgoingRequest(url: url ?? "", headers: headers, body: text(facts))
        case .pagerduty:
            return OutgoingRequest(
                url: url ?? "https://events.pagerduty.com/v2/enqueue", headers: json,
                body: try pagerDuty(first, routingKey: channel.routingKey.map(secret) ?? ""))
        case .email:
            throw DeliveryError("an email channel is sent by SMTP; ask ChannelRequests.email for its message")
        }
    }

    /// An e-mail channel's message for `facts` and the SMTP settings to submit it with,
    /// its secrets resolved.
    public static func email(
        for facts: [NotificationFacts], channel: ChannelDefinition, now: Date, secret: (SecretText) throws -> String
    ) throws -> (message: EmailMessage, settings: SMTPClient.Settings) {
        guard let smtp = channel.smtp, let fromText = channel.from else {
            throw DeliveryError("the email channel has no smtp server or from address")
        }
        guard case .success(let from) = EmailAddress.parse(fromText, allowingName: true) else {
            throw DeliveryError("the email channel's from address is not valid")
        }
        let to = channel.to.compactMap { try? EmailAddress.parse($0, allowingName: false).get() }
        guard !to.isEmpty else { throw DeliveryError("the email channel has no valid recipient") }
        let settings = SMTPClient.Settings(
            host: smtp.host, port: smtp.port, security: smtp.security, username: try smtp.username.map(secret),
            password: try smtp.password.map(secret), caFile: smtp.caFile)
        let message = EmailMessage(
            from: from, to: to, subject: title(facts), text: emailText(facts), html: emailHTML(facts),
            messageID: "\(facts[0].delivery.deliveryID)@cronicle", date: now)
        return (message, settings)
    }

    /// Every event on its line with its link; a group lists at most ``listedInGroup``.
    static func emailText(_ facts: [NotificationFacts]) -> String {
        var lines = facts.prefix(listedInGroup).flatMap {
            [($0.isProblem ? "[alert] " : "[ok] ") + $0.line, $0.link, ""]
        }
        if facts.count > listedInGroup { lines.append("… and \(facts.count - listedInGroup) more") }
        lines.append("-- ")
        lines.append("Sent by Cronicle to the channel \(facts[0].channel.name).")
        // MIME's canonical form of text: lines end in CRLF.
        return lines.joined(separator: "\r\n")
    }

    static func emailHTML(_ facts: [NotificationFacts]) -> String {
        let items = facts.prefix(listedInGroup).map { fact in
            let colour = fact.isProblem ? "#d03b3b" : "#2ea043"
            return "<li><span style=\"color:\(colour)\">\(fact.isProblem ? "●" : "✔")</span> "
                + "\(htmlEscaped(fact.line)) <a href=\"\(htmlEscaped(fact.link))\">Open in Cronicle</a></li>"
        }
        var html = "<!doctype html><html><body><p><strong>\(htmlEscaped(title(facts)))</strong></p><ul>"
        html += items.joined()
        html += "</ul>"
        if facts.count > listedInGroup { html += "<p>… and \(facts.count - listedInGroup) more</p>" }
        html += "<p style=\"color:#666\">Sent by Cronicle to the channel \(htmlEscaped(facts[0].channel.name)).</p>"
        return html + "</body></html>"
    }

    /// HTML: Slack's three, and the quotes that end an attribute.
    static func htmlEscaped(_ text: String) -> String {
        slackEscaped(text).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    static let json = [("Content-Type", "application/json")]

    /// Standard Webhooks: `webhook-id` (stable across retries), `webhook-timestamp`, and
    /// with a `whsec_` secret `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`.
    static func webhook(
        _ facts: NotificationFacts, url: String, channel: ChannelDefinition, now: Date,
        secret: (SecretText) throws -> String
    ) throws -> OutgoingRequest {
        let body = facts.webhookBody()
        let id = facts.delivery.deliveryID
        let timestamp = String(Int(now.timeIntervalSince1970))
        var headers = json + [("webhook-id", id), ("webhook-timestamp", timestamp)]
        if let signing = try channel.secret.map(secret) {
            headers.append(
                ("webhook-signature", try signature(secret: signing, id: id, timestamp: timestamp, body: body)))
        }
        for name in channel.headers.keys.sorted() {
            headers.append((name, try secret(channel.headers[name]!)))
        }
        return OutgoingRequest(url: url, headers: headers, body: body)
    }

    /// `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the base64
    /// part of a `whsec_` secret (the Standard Webhooks scheme).
    public static func signature(secret: String, id: String, timestamp: String, body: String) throws -> String {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let key = Data(base64Encoded: encoded) else {
            throw DeliveryError("the channel's secret is not whsec_ followed by base64")
        }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// A title for a group: the one event's line, or how many of what.
    static func title(_ facts: [NotificationFacts]) -> String {
        if facts.count == 1 { return "Cronicle: \(facts[0].line)" }
        let problems = facts.count(where: \.isProblem)
        let resolved = facts.count - problems
        var parts: [String] = []
        if problems > 0 { parts.append("\(problems) alert\(problems == 1 ? "" : "s")") }
        if resolved > 0 { parts.append("\(resolved) update\(resolved == 1 ? "" : "s")") }
        return "Cronicle: " + parts.joined(separator: " and ")
    }

    /// The events as lines, at most ``listedInGroup``, then how many more.
    static func text(_ facts: [NotificationFacts]) -> String {
        var lines = facts.prefix(listedInGroup).map { ($0.isProblem ? "🔴 " : "✅ ") + $0.line }
        if facts.count > listedInGroup { lines.append("… and \(facts.count - listedInGroup) more") }
        if facts.count == 1 { lines.append(facts[0].link) }
        return lines.joined(separator: "\n")
    }

    static func slack(_ facts: [NotificationFacts]) -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("text", title(facts))
            json.field("blocks") { json in
                json.array(Array(facts.prefix(listedInGroup))) { json, fact in
                    json.object { json in
                        json.field("type", "section")
                        json.field("text") { json in
                            json.object { json in
                                json.field("type", "mrkdwn")
                                json.field(
                                    "text",
                                    "\(fact.isProblem ? "🔴" : "✅") \(slackEscaped(fact.line)) <\(fact.link)|Open>")
                            }
                        }
                    }
                }
            }
            if facts.count > listedInGroup {
                json.field("attachments") { json in
                    json.array([facts.count - listedInGroup]) { json, more in
                        json.object { json in json.field("text", "… and \(more) more") }
                    }
                }
            }
        }
        return String(buffer: json.buffer)
    }

    /// Slack's mrkdwn gives `&`, `<` and `>` meaning.
    static func slackEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func discord(_ facts: [NotificationFacts]) -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("content", title(facts))
            json.field("embeds") { json in
                json.array(Array(facts.prefix(listedInGroup))) { json, fact in
                    json.object { json in
                        json.field("title", String(fact.line.prefix(256)))
                        json.field("url", fact.link)
                        json.field("color", fact.isProblem ? 0xD0_3B_3B : 0x2E_A0_43)
                        json.field("timestamp", Timestamp.string(from: fact.delivery.createdAt))
                    }
                }
            }
            json.field("allowed_mentions") { json in
                json.object { json in json.field("parse") { json in json.array([String]()) { _, _ in } } }
            }
        }
        return String(buffer: json.buffer)
    }

    /// An Adaptive Card, as a Teams workflow ("Post to a channel when a webhook request is received") takes it.
    static func teams(_ facts: [NotificationFacts]) -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("type", "message")
            json.field("attachments") { json in
                json.array([facts]) { json, facts in
                    json.object { json in
                        json.field("contentType", "application/vnd.microsoft.card.adaptive")
                        json.field("content") { json in
                            json.object { json in
                                json.field("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                                json.field("type", "AdaptiveCard")
                                json.field("version", "1.4")
                                json.field("body") { json in
                                    json.array([title(facts)] + [text(facts)]) { json, text in
                                        json.object { json in
                                            json.field("type", "TextBlock")
                                            json.field("text", text)
                                            json.field("wrap", true)
                                        }
                                    }
                                }
                                json.field("actions") { json in
                                    json.array([facts[0].link]) { json, link in
                                        json.object { json in
                                            json.field("type", "Action.OpenUrl")
                                            json.field("title", "Open in Cronicle")
                                            json.field("url", link)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return String(buffer: json.buffer)
    }

    /// PagerDuty Events API v2: trigger on open, resolve and acknowledge with the same
    /// `dedup_key`, so the incident there follows the alert here.
    static func pagerDuty(_ facts: NotificationFacts, routingKey: String) throws -> String {
        let action: String =
            switch facts.delivery.event {
            case .alertOpened, .alertReminder, .test, .syncFailed: "trigger"
            case .alertResolved: "resolve"
            case .alertAcknowledged: "acknowledge"
            }
        let key =
            facts.delivery.alertID.map { "cronicle-alert-\($0)" }
            ?? facts.delivery.syncID.map { "cronicle-sync-\($0)" } ?? "cronicle-test-\(facts.delivery.deliveryID)"
        var json = JSONWriter()
        json.object { json in
            json.field("routing_key", routingKey)
            json.field("event_action", action)
            json.field("dedup_key", key)
            if action == "trigger" {
                json.field("payload") { json in
                    json.object { json in
                        json.field("summary", String(facts.line.prefix(1024)))
                        json.field("source", "cronicle")
                        json.field("severity", facts.delivery.event == .test ? "info" : "critical")
                        json.field("timestamp", Timestamp.string(from: facts.delivery.createdAt))
                        if let kind = facts.alert?.kind.rawValue { json.field("class", kind) }
                        json.field("component", facts.jobID)
                    }
                }
                json.field("links") { json in
                    json.array([facts.link]) { json, link in
                        json.object { json in
                            json.field("href", link)
                            json.field("text", "Open in Cronicle")
                        }
                    }
                }
            }
        }
        return String(buffer: json.buffer)
    }
}

/// Why a delivery could not be made, in words (never a secret's value).
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
