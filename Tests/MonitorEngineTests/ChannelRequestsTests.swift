import Config
import Foundation
import MonitorDomain
import MonitorEngine
import Testing

/// The request each channel type is sent for one failed run: the fields its receiver
/// reads, with the job, what happened, the exit code and message, and the link.
@Suite struct ChannelRequestsTests {
    static let created = Date(timeIntervalSince1970: 1_795_845_600)

    static func facts(_ kind: ChannelDefinition.Kind, event: Delivery.Event = .alertOpened) -> NotificationFacts {
        let delivery = Delivery(
            id: 1, deliveryID: "019ad2f1-0000-7000-8000-000000000001", channel: "c", event: event, alertID: 12,
            jobID: "billing", createdAt: created)
        let alert = JobAlert(
            id: 12, jobID: "billing", kind: .failed, createdAt: created, fireTime: nil, lastFireTime: nil,
            runID: "r1", lastRunID: "r1", missedCount: 0, failureCount: 1, acknowledgedAt: nil, resolvedAt: nil)
        let run = JobRun(
            runID: "r1", jobID: "billing", status: .failed, startTime: created, endTime: created, exitCode: 3,
            message: "disk <full>")
        return NotificationFacts(
            delivery: delivery, channel: ChannelDefinition(name: "c", kind: kind), alert: alert, job: nil, run: run,
            link: "https://cronicle.example.com/ui/jobs/billing")
    }

    static func request(_ kind: ChannelDefinition.Kind, event: Delivery.Event = .alertOpened, token: Bool = false)
        throws -> (OutgoingRequest, [String: Any])
    {
        var channel = ChannelDefinition(name: "c", kind: kind, url: SecretText("https://receiver.example/x"))
        if kind == .pagerduty { channel.routingKey = SecretText("${env:KEY}") }
        if token { channel.token = SecretText("${env:TOKEN}") }
        let request = try ChannelRequests.request(for: [facts(kind, event: event)], channel: channel, now: created) {
            try $0.resolved { reference in reference == .environment("KEY") ? "R0UTING" : "T0KEN" }
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any]) ?? [:]
        return (request, object)
    }

    @Test func slackSaysWhatFailedAndEscapesMarkup() throws {
        let (request, body) = try Self.request(.slack)
        #expect(request.url == "https://receiver.example/x")
        #expect(body["text"] as? String == "Cronicle: billing failed with exit code 3: \"disk <full>\"")
        let block = (body["blocks"] as? [[String: Any]])?.first?["text"] as? [String: Any]
        #expect(
            block?["text"] as? String
                == "🔴 billing failed with exit code 3: \"disk &lt;full&gt;\" <https://cronicle.example.com/ui/jobs/billing|Open>"
        )
    }

    @Test func discordEmbedsTheLineWithoutMentions() throws {
        let (_, body) = try Self.request(.discord)
        let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "billing failed with exit code 3: \"disk <full>\"")
        #expect(embed["url"] as? String == "https://cronicle.example.com/ui/jobs/billing")
        #expect(embed["color"] as? Int == 0xD0_3B_3B)
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
    }

    @Test func teamsGetsAnAdaptiveCardWithALink() throws {
        let (_, body) = try Self.request(.msteams)
        let attachment = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        let texts = (card["body"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? []
        #expect(texts.first == "Cronicle: billing failed with exit code 3: \"disk <full>\"")
        #expect(
            (card["actions"] as? [[String: Any]])?.first?["url"] as? String
                == "https://cronicle.example.com/ui/jobs/billing")
    }

    @Test func ntfyGetsTextAndHeaders() throws {
        let (request, _) = try Self.request(.ntfy, token: true)
        let headers = Dictionary(request.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["Title"] == "Cronicle: billing failed with exit code 3: \"disk <full>\"")
        #expect(headers["Priority"] == "high" && headers["Tags"] == "rotating_light")
        #expect(headers["Click"] == "https://cronicle.example.com/ui/jobs/billing")
        #expect(headers["Authorization"] == "Bearer T0KEN")
        #expect(request.body.hasPrefix("🔴 billing failed with exit code 3"))
    }

    @Test func pagerDutyTriggersResolvesAndAcknowledgesOneIncident() throws {
        let (request, trigger) = try Self.request(.pagerduty)
        #expect(request.url == "https://receiver.example/x", "url given; the default is the Events API v2")
        #expect(trigger["routing_key"] as? String == "R0UTING" && trigger["event_action"] as? String == "trigger")
        #expect(trigger["dedup_key"] as? String == "cronicle-alert-12")
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect(payload["summary"] as? String == "billing failed with exit code 3: \"disk <full>\"")
        #expect(payload["severity"] as? String == "critical" && payload["source"] as? String == "cronicle")
        let (_, resolve) = try Self.request(.pagerduty, event: .alertResolved)
        #expect(
            resolve["event_action"] as? String == "resolve" && resolve["dedup_key"] as? String == "cronicle-alert-12")
        #expect(resolve["payload"] == nil)
        let (_, acknowledge) = try Self.request(.pagerduty, event: .alertAcknowledged)
        #expect(acknowledge["event_action"] as? String == "acknowledge")
    }

    @Test func aSecretThatIsNotWhsecBase64IsRefusedInWords() {
        #expect(throws: DeliveryError.self) {
            try ChannelRequests.signature(secret: "whsec_not base64!", id: "i", timestamp: "1", body: "{}")
        }
    }
}
