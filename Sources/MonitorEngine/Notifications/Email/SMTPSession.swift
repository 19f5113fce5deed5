import Config
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// One SMTP conversation on an open connection: greeting, EHLO, STARTTLS, AUTH, one
/// message, QUIT. Each command waits for its reply (no pipelining: one message per
/// connection gains nothing from it).
struct SMTPSession {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let settings: SMTPClient.Settings
    /// Shared with the reply decoder, which refuses clear text between STARTTLS and TLS.
    let upgrade: NIOLockedValueBox<SMTPReplyDecoder.Upgrade>

    init(
        replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel, settings: SMTPClient.Settings,
        upgrade: NIOLockedValueBox<SMTPReplyDecoder.Upgrade>
    ) {
        self.replies = replies
        self.outbound = outbound
        self.channel = channel
        self.settings = settings
        self.upgrade = upgrade
    }

    /// Everything from the greeting to the server's acceptance of the message.
    mutating func submit(_ message: EmailMessage, tls: NIOSSLContext) async throws -> Int {
        _ = try await expect([220], after: "connecting")
        var extensions = try await hello()
        if settings.security == .starttls {
            guard extensions.contains("STARTTLS") else {
                throw SMTPError(
                    .tls,
                    "\(settings.host):\(settings.port) does not offer STARTTLS; set smtp.security to tls for a "
                        + "TLS port (465), or to none only for a relay on a trusted network")
            }
            upgrade.withLockedValue { $0 = .awaitingReply }
            _ = try await command("STARTTLS", expect: [220])
            // TLS goes under the reply decoder, made on the channel's own thread.
            let channel = channel
            let host = settings.serverName
            let upgrade = upgrade
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
                // From here on the decoder reads what TLS decrypted.
                upgrade.withLockedValue { $0 = .none }
            }.get()
            extensions = try await hello()
        }
        if let username = settings.username {
            try await signIn(username: username, password: settings.password ?? "", extensions: extensions)
        }
        _ = try await command("MAIL FROM:<\(message.from.address)>", expect: [250])
        for recipient in message.to {
            _ = try await command("RCPT TO:<\(recipient.address)>", expect: [250, 251])
        }
        _ = try await command("DATA", expect: [354])
        try await write(Self.dotStuffed(message.rendered()) + ".\r\n")
        let accepted = try await expect([250], after: "sending the message")
        // The message is accepted; a QUIT that fails changes nothing.
        _ = try? await command("QUIT", expect: [221])
        return accepted.code
    }

    /// EHLO, and the extensions the server lists (`STARTTLS`, `AUTH PLAIN LOGIN`, ...).
    private mutating func hello() async throws -> Set<String> {
        let reply = try await command("EHLO \(settings.clientName)", expect: [250])
        // The first line greets; each later one names an extension and its parameters.
        return Set(
            reply.lines.dropFirst().map { $0.uppercased() }.flatMap { line in
                [line, String(line.split(separator: " ").first ?? "")]
            })
    }

    private mutating func signIn(username: String, password: String, extensions: Set<String>) async throws {
        guard settings.security != .none else {
            throw SMTPError(
                .tls, "a username is set but the connection is not encrypted; set smtp.security to starttls or tls")
        }
        let methods = Set(extensions.filter { $0.hasPrefix("AUTH ") }.flatMap { $0.split(separator: " ").dropFirst() })
        if methods.contains("PLAIN") || !methods.contains("LOGIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            _ = try await command("AUTH PLAIN \(token)", expect: [235], shown: "AUTH PLAIN (credentials)")
        } else {
            _ = try await command("AUTH LOGIN", expect: [334])
            _ = try await command(Data(username.utf8).base64EncodedString(), expect: [334], shown: "(username)")
            _ = try await command(Data(password.utf8).base64EncodedString(), expect: [235], shown: "(password)")
        }
    }

    /// Sends one command line and waits for its reply; `shown` replaces the line in errors
    /// when it holds a credential.
    private mutating func command(_ line: String, expect codes: Set<Int>, shown: String? = nil) async throws
        -> SMTPReply
    {
        try await write(line + "\r\n")
        let name = shown ?? String(line.prefix(while: { $0 != " " && $0 != ":" }))
        return try await expect(codes, after: name)
    }

    private mutating func write(_ text: String) async throws {
        do {
            try await outbound.write(ByteBuffer(string: text))
        } catch {
            // A write fails when the connection has closed; why it closed (a TLS handshake
            // that failed, say) is what the reply stream ends with.
            _ = try await replies.next()
            throw error
        }
    }

    private mutating func expect(_ codes: Set<Int>, after step: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else {
            throw SMTPError(.connection, "\(settings.host):\(settings.port) closed the connection after \(step)")
        }
        guard codes.contains(reply.code) else {
            throw SMTPError(
                .refused,
                "\(settings.host):\(settings.port) answered \(step) with \(reply.code) \(reply.text.prefix(300))",
                replyCode: reply.code)
        }
        return reply
    }

    /// RFC 5321 4.5.2: a line that starts with a dot gets another, so that only the final
    /// "." line ends the message.
    static func dotStuffed(_ text: String) -> String {
        var stuffed = text.hasPrefix(".") ? "." + text : text
        stuffed = stuffed.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        return stuffed.hasSuffix("\r\n") ? stuffed : stuffed + "\r\n"
    }
}
