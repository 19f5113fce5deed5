import CronicleTestSupport
import Foundation
import Synchronization

/// A plain HTTP server on a free loopback port that answers every request with 401 and
/// a Basic challenge, and records the credentials each request carried: what a git
/// host does with a wrong token.
final class RefusingHTTPServer: Sendable {
    let port: Int
    private let process: SpawnedProcess
    private let recorded: Recorded

    private final class Recorded: Sendable {
        let state = Mutex<(port: Int?, credentials: [String], pending: Data)>((nil, [], Data()))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static let script = """
        import base64, http.server, sys
        class Refuse(http.server.BaseHTTPRequestHandler):
            def refuse(self):
                header = self.headers.get("Authorization") or ""
                sent = base64.b64decode(header[6:]).decode() if header.startswith("Basic ") else "-"
                print("credentials " + sent, flush=True)
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="jobs"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            do_GET = refuse
            do_POST = refuse
            def log_message(self, *arguments):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Refuse)
        print("listening %d" % server.server_port, flush=True)
        server.serve_forever()
        """

    private init(port: Int, process: SpawnedProcess, recorded: Recorded) {
        self.port = port
        self.process = process
        self.recorded = recorded
    }

    /// `user:password` of each request, in order; `-` for a request without any.
    var credentials: [String] { recorded.state.withLock { $0.credentials } }

    static func start() async throws -> RefusingHTTPServer {
        let output = Pipe()
        let recorded = Recorded()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            recorded.state.withLock { state in
                state.pending.append(data)
                while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self)
                    state.pending.removeSubrange(state.pending.startIndex...newline)
                    if line.hasPrefix("listening ") { state.port = Int(line.dropFirst(10)) }
                    if line.hasPrefix("credentials ") { state.credentials.append(String(line.dropFirst(12))) }
                }
            }
        }
        let process = try SpawnedProcess(
            executable: "/usr/bin/python3", ["-c", script], standardOutput: .pipe(output))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && process.isRunning {
            if let port = recorded.state.withLock({ $0.port }) {
                return RefusingHTTPServer(port: port, process: process, recorded: recorded)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw Failure(description: "the refusing HTTP server (python3) did not start")
    }
}
