import Config
import CronicleTestSupport
import Foundation
import MonitorEngine
import Testing

/// The hand-written SMTP client against a real SMTP server on loopback (aiosmtpd): plain,
/// STARTTLS and TLS with a self-signed certificate, sign-in, and each kind of refusal.
@Suite struct SMTPClientTests {
    static func message(subject: String = "Cronicle: nightly_backup failed with exit code 3") -> EmailMessage {
        EmailMessage(
            from: try! EmailAddress.parse("Cronicle <cronicle@example.com>", allowingName: true).get(),
            to: [
                try! EmailAddress.parse("oncall@example.com", allowingName: false).get(),
                try! EmailAddress.parse("ops@example.com", allowingName: false).get(),
            ],
            subject: subject, text: "nightly_backup failed with exit code 3: \"disk full\"\n.hidden line\n",
            html: "<p>nightly_backup failed</p>", messageID: "dlv_42@cronicle",
            date: Date(timeIntervalSince1970: 1_796_000_000))
    }

    static func settings(_ smtp: SMTPReceiver, _ security: ChannelDefinition.SMTP.Security, trusted: Bool = true)
        -> SMTPClient.Settings
    {
        SMTPClient.Settings(
            host: "127.0.0.1", port: smtp.port, security: security, caFile: trusted ? smtp.certificatePath : nil,
            timeout: .seconds(30))
    }

    @Test func aPlainServerReceivesTheMessageWithItsHeadersAndBothParts() async throws {
        let smtp = try await SMTPReceiver.start()
        defer { smtp.stop() }
        let code = try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .none))
        #expect(code == 250)
        let received = try #require(try await smtp.waitForMessages(1).first)
        #expect(received.from == "cronicle@example.com")
        #expect(received.recipients == ["oncall@example.com", "ops@example.com"])
        #expect(!received.tls && received.login == nil)
        #expect(received.header("From") == "Cronicle <cronicle@example.com>")
        #expect(received.header("To") == "oncall@example.com, ops@example.com")
        #expect(received.header("Subject") == "Cronicle: nightly_backup failed with exit code 3")
        #expect(received.header("Message-ID") == "<dlv_42@cronicle>")
        #expect(received.header("Date") == "Mon, 30 Nov 2026 00:53:20 +0000")
        #expect(received.header("Auto-Submitted") == "auto-generated")
        // Decoded from base64 as written, the line that starts with a dot included.
        #expect(received.part("text/plain") == "nightly_backup failed with exit code 3: \"disk full\"\n.hidden line\n")
        #expect(received.part("text/html") == "<p>nightly_backup failed</p>")
    }

    @Test func startTLSWithATrustedCertificateAndASignIn() async throws {
        let smtp = try await SMTPReceiver.start(security: .starttls, login: ("cronicle", "s3cret"))
        defer { smtp.stop() }
        var settings = Self.settings(smtp, .starttls)
        settings.username = "cronicle"
        settings.password = "s3cret"
        #expect(try await SMTPClient().send(Self.message(), with: settings) == 250)
        let received = try #require(try await smtp.waitForMessages(1).first)
        #expect(received.tls && received.login == "cronicle")

        settings.password = "wrong"
        let refused = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: settings)
        }
        #expect(refused?.replyCode == 535 && refused?.isPermanent == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("AUTH PLAIN (credentials)") == true, "the password is never shown")
        #expect(refused?.message.contains("s3cret") == false && refused?.message.contains("wrong") == false)
    }

    @Test func anUntrustedCertificateIsRefusedAndMayBeTriedAgain() async throws {
        let smtp = try await SMTPReceiver.start(security: .starttls)
        defer { smtp.stop() }
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .starttls, trusted: false))
        }
        #expect(error?.isPermanent == false)
        #expect(error?.message.contains("certificate") == true, "\(String(describing: error))")
        #expect(smtp.messages.isEmpty)
    }

    @Test func clearTextAfterTheAnswerToStartTLSEndsTheConnection() async throws {
        let smtp = try await SMTPReceiver.start(security: .hostileStartTLS)
        defer { smtp.stop() }
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .starttls))
        }
        #expect(error?.message == "the server sent more after its answer to STARTTLS; not going on")
    }

    @Test func aDisplayNameWithACommaIsQuotedAndLongGraphemesStayWithinTheLineLimit() {
        var message = Self.message(
            subject: "Cronicle: " + String(repeating: "e\u{301}\u{302}\u{303}\u{304}", count: 40))
        message.from = try! EmailAddress.parse("Ops, Team <cronicle@example.com>", allowingName: true).get()
        let rendered = message.rendered()
        #expect(rendered.contains("From: \"Ops, Team\" <cronicle@example.com>\r\n"))
        let subject = rendered.components(separatedBy: "\r\nDate:")[0].components(separatedBy: "Subject: ")[1]
        let lines = subject.components(separatedBy: "\r\n ")
        #expect(lines.count > 1 && lines.allSatisfy { $0.utf8.count <= 75 && $0 != "=?UTF-8?B??=" }, "\(lines)")
    }

    @Test func implicitTLS() async throws {
        let smtp = try await SMTPReceiver.start(security: .tls)
        defer { smtp.stop() }
        #expect(try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .tls)) == 250)
        #expect(try await smtp.waitForMessages(1).first?.tls == true)
    }

    @Test func startTLSThatIsNotOfferedIsAnErrorNotAPlainMessage() async throws {
        let smtp = try await SMTPReceiver.start()
        defer { smtp.stop() }
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .starttls))
        }
        #expect(
            error?.message == "127.0.0.1:\(smtp.port) does not offer STARTTLS; set smtp.security to tls for a "
                + "TLS port (465), or to none only for a relay on a trusted network")
        #expect(smtp.messages.isEmpty)
    }

    @Test func a4xxReplyMayPassLaterAndA5xxNever() async throws {
        let smtp = try await SMTPReceiver.start(answers: [451, 550])
        defer { smtp.stop() }
        let later = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .none))
        }
        #expect(later?.replyCode == 451 && later?.isPermanent == false)
        #expect(later?.message == "127.0.0.1:\(smtp.port) answered sending the message with 451 try again later")
        let never = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .none))
        }
        #expect(never?.replyCode == 550 && never?.isPermanent == true)
        #expect(try await SMTPClient().send(Self.message(), with: Self.settings(smtp, .none)) == 250)
        #expect(smtp.refused == [451, 550] && smtp.messages.count == 1)
    }

    @Test func aServerThatIsDownOrSilentIsAConnectionErrorOrATimeout() async throws {
        let down = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(
                Self.message(), with: SMTPClient.Settings(host: "127.0.0.1", port: 1, security: .none))
        }
        #expect(down?.code == .connection && down?.isPermanent == false)
        #expect(down?.message.hasPrefix("could not connect to 127.0.0.1:1: ") == true, "\(String(describing: down))")

        // A listener that accepts and never greets.
        let silent = try SilentServer()
        let timedOut = await #expect(throws: SMTPError.self) {
            try await SMTPClient().send(
                Self.message(),
                with: SMTPClient.Settings(
                    host: "127.0.0.1", port: silent.port, security: .none, timeout: .milliseconds(300)))
        }
        #expect(timedOut?.code == .timeout, "\(String(describing: timedOut))")
    }

    @Test func headerTextFromARunCannotAddHeaders() async throws {
        let smtp = try await SMTPReceiver.start()
        defer { smtp.stop() }
        let subject = "Cronicle: job failed: \"x\r\nBcc: victim@example.com\r\n\r\nforged body\""
        _ = try await SMTPClient().send(Self.message(subject: subject), with: Self.settings(smtp, .none))
        let received = try #require(try await smtp.waitForMessages(1).first)
        #expect(received.header("Bcc") == nil)
        #expect(received.recipients == ["oncall@example.com", "ops@example.com"])
        #expect(received.header("Subject") == "Cronicle: job failed: \"x  Bcc: victim@example.com    forged body\"")
    }

    @Test func nonASCIISubjectsAreEncodedWords() {
        let message = Self.message(subject: "Cronicle: sauvegarde échouée")
        #expect(
            message.rendered().contains(
                "Subject: =?UTF-8?B?\(Data("Cronicle: sauvegarde échouée".utf8).base64EncodedString())?="))
    }
}
