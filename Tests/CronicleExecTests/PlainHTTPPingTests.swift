import CronicleExec
import CronicleTestSupport
import Foundation
import Testing

/// Pings to `http:` URLs go over exec's own HTTP/1.1 client (PlainHTTPClient): what it
/// sends, and how it reads answers no framework sends (chunks split anywhere, bodies cut
/// short, servers that never answer). The well-formed answers of a real server are
/// covered by ExecCommandTests and ExecServeTests.
@Suite struct PlainHTTPPingTests {
    static func ping(_ port: Int, path: String = "/ping/u/0?rid=r1", headers: [String: String] = [:]) -> PingRequest {
        PingRequest(
            url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: Data("out\nput".utf8), createdAt: Date())
    }

    static func send(_ ping: PingRequest, within seconds: Int = 10) async -> PingSender.Outcome {
        await PingSender().send(ping, until: .now + .seconds(seconds), retries: false)
    }

    @Test func theRequestCarriesTheTargetHostHeadersAndBodyAndClosesTheConnection() async throws {
        let server = try ScriptedHTTPServer(
            answer: "HTTP/1.1 200 OK\r\nPing-Body-Limit: 100000\r\nContent-Length: 2\r\n\r\nOK")
        let outcome = await Self.send(Self.ping(server.port, headers: ["Authorization": "Bearer k", "X-One": "1"]))
        #expect(outcome == .delivered(status: 200, bodyLimit: 100_000))
        let request = try #require(server.requests.first)
        let lines = request.components(separatedBy: "\r\n")
        #expect(lines.first == "POST /ping/u/0?rid=r1 HTTP/1.1")
        #expect(lines.contains("Host: 127.0.0.1:\(server.port)"))
        #expect(lines.contains("Authorization: Bearer k"))
        #expect(lines.contains("X-One: 1"))
        #expect(lines.contains("Content-Length: 7"))
        #expect(lines.contains("Connection: close"))
        #expect(request.hasSuffix("\r\n\r\nout\nput"))
    }

    @Test func aChunkedRefusalIsReadWholeWhereverItsChunksSplit() async throws {
        let answer =
            "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthe e\r\n0b;ext=1\r\nxit code is\r\n9\r\n not a nu\r\n4\r\nmber\r\n0\r\n\r\n"
        let server = try ScriptedHTTPServer(answer: answer)
        let outcome = await Self.send(Self.ping(server.port))
        #expect(outcome == .refused(status: 400, answer: "the exit code is not a number"))
    }

    @Test func aBodyCutShortKeepsItsStatusButAHeadCutShortIsUndelivered() async throws {
        // Once the status line and headers are in, the server has decided: a 200 stands and a
        // refusal is told with what of its body arrived. A head cut short decides nothing.
        let accepted = try ScriptedHTTPServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
        #expect(await Self.send(Self.ping(accepted.port)) == .delivered(status: 200, bodyLimit: nil))
        let refused = try ScriptedHTTPServer(answer: "HTTP/1.1 400 Bad Request\r\nContent-Length: 100\r\n\r\nshort")
        #expect(await Self.send(Self.ping(refused.port)) == .refused(status: 400, answer: "short"))
        let headless = try ScriptedHTTPServer(answer: "HTTP/1.1 200 OK\r\nContent-Le")
        let outcome = await Self.send(Self.ping(headless.port))
        #expect(outcome == .undelivered(reason: "the server closed the connection in the middle of its answer"))
    }

    @Test func aServerThatNeverAnswersIsGivenUpAtTheDeadline() async throws {
        let server = try SilentServer()
        // Each attempt may take a minute; the ping's deadline, one second, must win. The
        // bound leaves room for a test task that a loaded machine schedules late.
        var policy = RetryPolicy()
        policy.attemptTimeout = .seconds(60)
        let started = ContinuousClock.now
        let outcome = await PingSender(policy: policy).send(
            Self.ping(server.port), until: .now + .seconds(1), retries: false)
        #expect(outcome == .undelivered(reason: "no answer in time"))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func aClosedPortIsAConnectionRefused() async throws {
        let port = try SilentServer().port  // the listener is closed when the server is released
        #expect(await Self.send(Self.ping(port)) == .undelivered(reason: "connection refused"))
    }

    @Test func aHeaderValueWithALineBreakIsNeverSent() async throws {
        let server = try ScriptedHTTPServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        let outcome = await Self.send(Self.ping(server.port, headers: ["Authorization": "Bearer k\r\nX-Evil: 1"]))
        #expect(outcome == .undelivered(reason: "the header \"Authorization\" holds a line break"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.requests.isEmpty)
    }

    @Test func aLongRefusalIsKeptToItsFirst64KiB() async throws {
        let body = String(repeating: "x", count: 70_000)
        let server = try ScriptedHTTPServer(answer: "HTTP/1.1 404 Not Found\r\nContent-Length: 70000\r\n\r\n\(body)")
        let outcome = await Self.send(Self.ping(server.port))
        #expect(outcome == .refused(status: 404, answer: String(repeating: "x", count: 64 * 1024)))
    }

    @Test func anIPv6LiteralIsLookedUpWithoutItsBracketsAndNamedWithThemInHost() async throws {
        let server = try ScriptedHTTPServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ipv6: true)
        let ping = PingRequest(
            url: "http://[::1]:\(server.port)/ping/u/start", headers: [:], body: Data(), createdAt: Date())
        #expect(await Self.send(ping) == .delivered(status: 200, bodyLimit: nil))
        let request = try #require(server.requests.first)
        #expect(request.components(separatedBy: "\r\n").contains("Host: [::1]:\(server.port)"))
    }

    @Test func interimAnswersAreSkippedForTheFinalOne() async throws {
        let server = try ScriptedHTTPServer(
            answer: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nPing-Body-Limit: 5\r\nContent-Length: 2\r\n\r\nOK")
        #expect(await Self.send(Self.ping(server.port)) == .delivered(status: 200, bodyLimit: 5))
    }

    @Test func aChunkLargerThanAnyBodyIsReadOnlyToTheLimit() async throws {
        // A chunk size near Int.max: read up to the 64 KiB kept, never summed past the end.
        let server = try ScriptedHTTPServer(
            answer: "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc")
        #expect(await Self.send(Self.ping(server.port)) == .refused(status: 400, answer: "abc"))
    }

    @Test func anAnswerThatIsNotHTTPIsSaidSo() async throws {
        let server = try ScriptedHTTPServer(answer: "SSH-2.0-OpenSSH_9.2\r\n")
        #expect(await Self.send(Self.ping(server.port)) == .undelivered(reason: "the server's answer is not HTTP/1.x"))
    }
}
