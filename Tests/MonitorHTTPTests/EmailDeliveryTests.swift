import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// E-mail channels through the outbox, to a real SMTP server on loopback (aiosmtpd):
/// what a message says, grouping, retries with the same Message-ID, and refusal.
@Suite struct EmailDeliveryTests {
    static func apply(_ monitor: LiveMonitor, smtp: SMTPReceiver, security: String = "none", jobs: Int = 1)
        async throws
    {
        // Over TLS it trusts the receiver's certificate and signs in.
        let secured =
            security == "none"
            ? "" : ", ca_file: \(smtp.certificatePath), username: cronicle, password: \"${env:SMTP_PASSWORD}\""
        let channel = """
            channel: oncall-mail
            type: email
            to: [oncall@example.com]
            from: Cronicle <cronicle@example.com>
            smtp: {host: 127.0.0.1, port: \(smtp.port), security: \(security)\(secured)}
            match: {tags: [prod]}
            group_interval: 1m

            """
        var files = [DefinitionFile(path: "jobs.d/channels.yaml", contents: Data(channel.utf8))]
        for index in 0..<jobs {
            files.append(
                DefinitionFile(
                    path: "jobs.d/backup\(index).yaml",
                    contents: Data("job_id: backup\(index)\nschedule: \"@daily\"\ntags: [prod]\n".utf8)))
        }
        let report = try await monitor.store.applySync(
            files: files, source: SyncSource(repository: "r", ref: "main", commit: "c"))
        #expect(report.failure == nil, "\(report.formatted())")
    }

    @Test func aFailedRunIsMailedOverStartTLSWithItsJobCodeAndLink() async throws {
        let smtp = try await SMTPReceiver.start(security: .starttls, login: ("cronicle", "s3cret"))
        defer { smtp.stop() }
        try await LiveMonitor.with(secrets: ProcessSecrets(environment: ["SMTP_PASSWORD": "s3cret"])) { monitor in
            try await Self.apply(monitor, smtp: smtp, security: "starttls")
            _ = try await monitor.request(
                "POST", "/jobs/backup0/fail", json: ["exit_code": 3, "message": "disk full"])
            #expect(try await monitor.sender.sendDue() == 1)
            let mail = try #require(try await smtp.waitForMessages(1).first)
            #expect(mail.tls && mail.login == "cronicle" && mail.recipients == ["oncall@example.com"])
            #expect(mail.header("Subject") == "Cronicle: backup0 failed with exit code 3: \"disk full\"")
            let link = "http://127.0.0.1:\(monitor.port)/ui/jobs/backup0"
            #expect(
                mail.part("text/plain")?.contains("backup0 failed with exit code 3: \"disk full\"\r\n\(link)") == true)
            #expect(mail.part("text/html")?.contains("<a href=\"\(link)\">Open in Cronicle</a>") == true)
            let log = try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items
            #expect(log.first?.status == .delivered && log.first?.lastStatusCode == 250)
            #expect(mail.header("Message-ID") == "<\(log.first?.deliveryID ?? "")@cronicle>")
        }
    }

    @Test func alertsArrivingTogetherGoInOneMessage() async throws {
        let smtp = try await SMTPReceiver.start()
        defer { smtp.stop() }
        try await LiveMonitor.with { monitor in
            try await Self.apply(monitor, smtp: smtp, jobs: 25)
            _ = try await monitor.request("POST", "/jobs/backup0/fail")
            try await monitor.sender.sendDue()
            #expect(try await smtp.waitForMessages(1).count == 1, "the first event goes at once")
            for index in 1..<25 { _ = try await monitor.request("POST", "/jobs/backup\(index)/fail") }
            try await monitor.sender.sendDue()
            monitor.clock.advance(by: 61)
            try await monitor.sender.sendDue()
            let mails = try await smtp.waitForMessages(2)
            #expect(mails.count == 2)
            #expect(mails.last?.header("Subject") == "Cronicle: 24 alerts")
            #expect(mails.last?.part("text/plain")?.contains("… and 14 more") == true)
            let delivered = try await monitor.store.deliveries(
                DeliveryQuery(status: .delivered, page: PageRequest(perPage: 100)))
            #expect(delivered.total == 25)
        }
    }

    @Test func a4xxIsTriedAgainAndA5xxFailsAtOnce() async throws {
        let smtp = try await SMTPReceiver.start(answers: [451, 550])
        defer { smtp.stop() }
        try await LiveMonitor.with { monitor in
            try await Self.apply(monitor, smtp: smtp)
            _ = try await monitor.request("POST", "/jobs/backup0/fail")
            try await monitor.sender.sendDue()
            var delivery = try #require(
                try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items.first)
            #expect(delivery.status == .pending && delivery.lastStatusCode == 451)
            #expect(
                delivery.lastError == "127.0.0.1:\(smtp.port) answered sending the message with 451 try again later")
            // A grouping channel's next message waits for group_interval, a retry too.
            monitor.clock.advance(by: 61)
            try await monitor.sender.sendDue()
            delivery = try #require(try await monitor.store.deliveries(DeliveryQuery(page: PageRequest())).items.first)
            #expect(delivery.status == .failed && delivery.lastStatusCode == 550 && delivery.attempts == 2)
            #expect(smtp.refused == [451, 550] && smtp.messages.isEmpty)
        }
    }
}
