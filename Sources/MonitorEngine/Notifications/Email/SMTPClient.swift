import Config
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Sends e-mail through an SMTP server (RFC 5321): in the clear, upgraded with STARTTLS
/// (RFC 3207), or over TLS from the first byte, and signs in with AUTH PLAIN or LOGIN
/// (RFC 4954) when a username is set, never over an unencrypted connection.
///
/// Written by hand on SwiftNIO and swift-nio-ssl: no SMTP package is among this
/// project's dependencies, and Cronicle needs only the small part of SMTP that submits
/// one message per connection.
///
/// ```swift
/// let code = try await SMTPClient().send(message, with: settings)   // 250
/// ```
public struct SMTPClient: Sendable {
    /// Where and how to submit, with secrets already resolved.
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var security: ChannelDefinition.SMTP.Security
        public var username: String?
        public var password: String?
        /// A PEM file of certificates to trust instead of the system's.
        public var caFile: String?
        /// The name given in EHLO: this machine's.
        public var clientName: String
        /// The whole exchange, from connecting to the server's acceptance.
        public var timeout: Duration

        public init(
            host: String, port: Int, security: ChannelDefinition.SMTP.Security, username: String? = nil,
            password: String? = nil, caFile: String? = nil,
            clientName: String = ProcessInfo.processInfo.hostName, timeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
            self.caFile = caFile
            self.clientName = clientName.isEmpty ? "localhost" : clientName
            self.timeout = timeout
        }

        /// The name TLS asks the certificate for: the host, unless it is an IP address,
        /// which SNI cannot carry (the certificate is then checked against the address).
        var serverName: String? {
            var ipv4 = in_addr()
            var ipv6 = in6_addr()
            let isAddress = inet_pton(AF_INET, host, &ipv4) == 1 || inet_pton(AF_INET6, host, &ipv6) == 1
            return isAddress ? nil : host
        }
    }

    private let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    /// Submits `message` and returns the server's reply code for it (250 when accepted).
    /// Throws ``SMTPError``, whose ``SMTPError/isPermanent`` says whether to try again.
    public func send(_ message: EmailMessage, with settings: Settings) async throws -> Int {
        let tls = try Self.tlsContext(settings)
        let upgrade = NIOLockedValueBox(SMTPReplyDecoder.Upgrade.none)
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: settings.serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(SMTPReplyDecoder(upgrade: upgrade)))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(
                .connection, "could not connect to \(settings.host):\(settings.port): \(Self.describe(error))")
        }
        let underlying = channel.channel
        // The whole exchange has one deadline; when it passes, the connection is closed,
        // which ends the wait for the next reply.
        let expired = NIOLockedValueBox(false)
        let timer = underlying.eventLoop.scheduleTask(in: TimeAmount(settings.timeout)) {
            expired.withLockedValue { $0 = true }
            underlying.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    replies: inbound.makeAsyncIterator(), outbound: outbound, channel: underlying, settings: settings,
                    upgrade: upgrade)
                return try await session.submit(message, tls: tls)
            }
        } catch {
            if expired.withLockedValue({ $0 }) {
                throw SMTPError(
                    .timeout, "\(settings.host):\(settings.port) did not finish within \(settings.timeout)")
            }
            if let error = error as? SMTPError { throw error }
            throw SMTPError(
                .connection, "the connection to \(settings.host):\(settings.port) failed: \(Self.describe(error))")
        }
    }

    static func tlsContext(_ settings: Settings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw SMTPError(.tls, "smtp.ca_file \(caFile) cannot be read")
            }
            configuration.trustRoots = .file(caFile)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError(.tls, "TLS could not be set up: \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOSSLError {
            switch error {
            case .handshakeFailed(let reason):
                return "the TLS handshake failed (\(reason)); is the server's certificate trusted (smtp.ca_file)?"
            default: return "TLS: \(error)"
            }
        }
        if let error = error as? NIOSSLExtraError { return "TLS: \(error)" }
        if let error = error as? IOError { return error.description }
        if error is ChannelError { return "the server closed the connection (\(error))" }
        return "\(error)"
    }
}
