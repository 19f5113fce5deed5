import Foundation
import Synchronization

/// A real SMTP server on a free loopback port (`scripts/smtp-receiver`, on Debian's
/// aiosmtpd) for e-mail tests: plain, STARTTLS or TLS with a self-signed certificate,
/// optionally requiring a sign-in, recording every message it accepts.
///
/// ```swift
/// let smtp = try await SMTPReceiver.start(security: .starttls)
/// ... // send to 127.0.0.1:\(smtp.port), trusting smtp.certificatePath
/// let message = try await smtp.waitForMessages(1)[0]
/// ```
public final class SMTPReceiver: Sendable {
    public enum Security: Sendable {
        case none, starttls, tls
        /// Not aiosmtpd: a server whose answer to STARTTLS carries a forged reply.
        case hostileStartTLS
    }

    /// One accepted message.
    public struct Message: Sendable {
        public let from: String
        public let recipients: [String]
        /// The message as received: headers, a blank line, the MIME body.
        public let data: String
        public let tls: Bool
        /// Who signed in, when the server asked.
        public let login: String?

        /// The header `name`'s value (unfolded), or nil.
        public func header(_ name: String) -> String? {
            let head = data.components(separatedBy: "\r\n\r\n").first ?? data
            let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\n ", with: " ")
            for line in unfolded.components(separatedBy: CharacterSet.newlines)
            where line.lowercased().hasPrefix(name.lowercased() + ":") {
                return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        /// The decoded text of the part of type `type` (`text/plain`, `text/html`).
        public func part(_ type: String) -> String? {
            let sections = data.components(separatedBy: "Content-Type: \(type); charset=utf-8")
            guard sections.count > 1 else { return nil }
            let afterHeaders = sections[1].components(separatedBy: "\r\n\r\n").dropFirst().first ?? ""
            let base64 = afterHeaders.components(separatedBy: "--").first ?? ""
            let joined = base64.components(separatedBy: .whitespacesAndNewlines).joined()
            return Data(base64Encoded: joined).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    public let port: Int
    /// The self-signed certificate (for 127.0.0.1 and localhost) a client must trust.
    public let certificatePath: String
    private let process: SpawnedProcess
    private let recorded: Recorded
    private let folder: TemporaryFolder

    /// What the server printed, filled by the reading thread.
    private final class Recorded: Sendable {
        let state = Mutex<(messages: [Message], refused: [Int])>(([], []))
        let port = Mutex<Int?>(nil)
        let pending = Mutex(Data())
    }

    private init(
        port: Int, certificatePath: String, process: SpawnedProcess, recorded: Recorded, folder: TemporaryFolder
    ) {
        self.port = port
        self.certificatePath = certificatePath
        self.process = process
        self.recorded = recorded
        self.folder = folder
    }

    public var messages: [Message] { recorded.state.withLock { $0.messages } }
    /// The reply codes given instead of accepting (`answers:`), in order.
    public var refused: [Int] { recorded.state.withLock { $0.refused } }

    /// Starts the server; `answers` are the DATA reply codes of the first messages (such
    /// as 451 or 550) before it accepts.
    public static func start(
        security: Security = .none, login: (user: String, password: String)? = nil, answers: [Int] = []
    ) async throws -> SMTPReceiver {
        let folder = try TemporaryFolder()
        let certificate = folder.url("cert.pem")
        let key = folder.url("key.pem")
        let made = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key, "-out", certificate,
            ])
        guard made.status == 0 else {
            throw ReceiverError("openssl could not make a certificate: \(made.standardError)")
        }
        var arguments = ["--port", "0"]
        switch security {
        case .none: break
        case .starttls: arguments += ["--starttls", certificate, key]
        case .tls: arguments += ["--tls", certificate, key]
        case .hostileStartTLS: arguments += ["--inject-after-starttls"]
        }
        if let login { arguments += ["--auth", "\(login.user):\(login.password)"] }
        if !answers.isEmpty { arguments += ["--answers", answers.map(String.init).joined(separator: ",")] }
        let output = Pipe()
        let errors = Pipe()
        let recorded = Recorded()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            let lines: [Data] = recorded.pending.withLock { buffer in
                buffer.append(data)
                var complete: [Data] = []
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    complete.append(buffer[buffer.startIndex..<newline])
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
                return complete
            }
            for line in lines {
                guard let record = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                if let listening = record["listening"] as? Int { recorded.port.withLock { $0 = listening } }
                if let code = record["refused"] as? Int { recorded.state.withLock { $0.refused.append(code) } }
                if let from = record["mail_from"] as? String {
                    let message = Message(
                        from: from, recipients: record["rcpt_tos"] as? [String] ?? [],
                        data: record["data"] as? String ?? "", tls: record["tls"] as? Bool ?? false,
                        login: record["login"] as? String)
                    recorded.state.withLock { $0.messages.append(message) }
                }
            }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        let process = try SpawnedProcess(
            executable: "/usr/bin/python3", [scriptPath] + arguments, standardOutput: .pipe(output),
            standardError: .pipe(errors))
        for _ in 0..<1_000 {
            if let bound = recorded.port.withLock({ $0 }) {
                return SMTPReceiver(
                    port: bound, certificatePath: certificate, process: process, recorded: recorded, folder: folder)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        throw ReceiverError(
            "scripts/smtp-receiver did not start; is python3-aiosmtpd installed (scripts/install-deps --tests)?")
    }

    /// Waits until `count` messages have arrived (or `timeout` passed) and returns them.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [Message] {
        let deadline = ContinuousClock.now + timeout
        while messages.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static let scriptPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scripts/smtp-receiver").path
    }()

    struct ReceiverError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
