import NIOConcurrencyHelpers
import NIOCore

/// Reads SMTP replies from the server's bytes: lines `250-...` continue a reply, the line
/// `250 ...` ends it. Bounded, so a server that never ends a line cannot fill memory.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 allows 512 octets a reply line; a little slack for servers that exceed it.
    static let longestLine = 4_096
    static let mostLines = 200
    private var lines: [String] = []

    /// Where a STARTTLS upgrade stands. RFC 3207 4.2: nothing the server sent in the clear
    /// after its 220 may be taken as said over TLS, so bytes that come between the reply
    /// and the handshake end the connection instead of waiting in the buffer.
    enum Upgrade: Sendable { case none, awaitingReply, upgrading }
    let upgrade: NIOLockedValueBox<Upgrade>

    init(upgrade: NIOLockedValueBox<Upgrade>) {
        self.upgrade = upgrade
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if buffer.readableBytes > 0, upgrade.withLockedValue({ $0 }) == .upgrading {
            throw SMTPError(.tls, "the server sent data in the clear after accepting STARTTLS; not going on")
        }
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.longestLine {
                throw SMTPError(.protocolViolation, "the server sent a line longer than \(Self.longestLine) bytes")
            }
            return .needMoreData
        }
        guard var line = buffer.readString(length: newline - view.startIndex + 1) else { return .needMoreData }
        while line.last == "\n" || line.last == "\r" || line.last == "\r\n" { line.removeLast() }
        let digits = line.prefix(3)
        guard digits.count == 3, digits.allSatisfy(\.isNumber), let code = Int(digits) else {
            throw SMTPError(
                .protocolViolation, "the server sent '\(line.prefix(80))', which is not an SMTP reply")
        }
        lines.append(String(line.dropFirst(4)))
        if line.dropFirst(3).first == "-" {
            guard lines.count < Self.mostLines else {
                throw SMTPError(.protocolViolation, "the server sent a reply of more than \(Self.mostLines) lines")
            }
            return .continue
        }
        let reply = SMTPReply(code: code, lines: lines)
        lines = []
        if upgrade.withLockedValue({ $0 }) == .awaitingReply {
            if reply.code == 220 { upgrade.withLockedValue { $0 = .upgrading } }
            if buffer.readableBytes > 0 {
                throw SMTPError(.tls, "the server sent more after its answer to STARTTLS; not going on")
            }
        }
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}
