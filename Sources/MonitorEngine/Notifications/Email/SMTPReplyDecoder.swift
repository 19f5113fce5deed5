import NIOCore

/// Reads SMTP replies from the server's bytes: lines `250-...` continue a reply, the line
/// `250 ...` ends it. Bounded, so a server that never ends a line cannot fill memory.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 allows 512 octets a reply line; a little slack for servers that exceed it.
    static let longestLine = 4_096
    static let mostLines = 200
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
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
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}
