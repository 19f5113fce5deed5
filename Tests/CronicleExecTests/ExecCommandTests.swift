import CronicleTestSupport
import Foundation
import MonitorTestSupport
import Testing

/// `cronicle exec` as a process: the built binary runs real commands and pings a real HTTP
/// receiver on loopback. Exit statuses, pass-through, signals, retries and the spool.
@Suite(.serialized) struct ExecCommandTests {
    static let uuid = "5f2b6c1e-8f7a-4d8e-9b1a-3c2d4e5f6a7b"

    static func pingURL(_ receiver: WebhookReceiver) -> String {
        "http://127.0.0.1:\(receiver.port)/ping/\(uuid)"
    }

    /// A spool folder of the test's own, so a developer's spool is never read or written. The
    /// receiver is up: a deadline of 10 s leaves room for a test process busy with the whole
    /// suite (at 2 s, an end ping was spooled once instead of delivered).
    static func arguments(_ receiver: WebhookReceiver, _ spool: TemporaryFolder, _ command: [String]) -> [String] {
        ["--ping-url", pingURL(receiver), "--spool", spool.path, "--ping-deadline", "10s", "--"] + command
    }

    static func endPings(_ receiver: WebhookReceiver) -> [WebhookReceiver.Received] {
        receiver.requests.filter { !$0.path.hasSuffix("/start") }
    }

    // MARK: Exit statuses

    @Test(arguments: [
        (["true"], Int32(0), "/0"),
        (["sh", "-c", "exit 3"], 3, "/3"),
        (["sh", "-c", "kill -USR1 $$"], 128 + SIGUSR1, "/\(128 + SIGUSR1)"),
        (["cronicle-no-such-command"], 127, "/127"),
    ])
    func exitStatusIsTheCommands(command: [String], status: Int32, endPath: String) async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, command))
            #expect(result.exited)
            #expect(result.status == status)
            let ends = Self.endPings(receiver)
            #expect(ends.map(\.path) == ["/ping/\(Self.uuid)\(endPath)"])
            let info = try #require(ends.first?.headers["cronicle-client-info"])
            #expect(info.contains("\"exit_status\":\(status)"))
        }
    }

    @Test func aMissingCommandIsToldAndReportedWith127() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, ["nosuchcmd"]))
            #expect(result.status == 127)
            #expect(result.standardError == "cronicle exec: nosuchcmd: command not found\n")
            #expect(result.standardOutput.isEmpty)
            let end = try #require(Self.endPings(receiver).first)
            #expect(end.body.contains("nosuchcmd: command not found"))
        }
    }

    @Test func aFileThatIsNotExecutableGives126() async throws {
        let spool = try TemporaryFolder()
        let folder = try TemporaryFolder()
        try folder.write("script.sh", "#!/bin/sh\necho never\n")
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, [folder.url("script.sh")]))
            #expect(result.status == 126)
            #expect(result.standardError.contains("script.sh: Permission denied"))
            #expect(Self.endPings(receiver).map(\.path) == ["/ping/\(Self.uuid)/126"])
        }
    }

    @Test func timeoutStopsTheCommandWith124() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                ["--timeout", "500ms"] + Self.arguments(receiver, spool, ["sleep", "30"]))
            #expect(result.status == 124)
            #expect(result.elapsed < .seconds(20))
            let end = try #require(Self.endPings(receiver).first)
            #expect(end.path == "/ping/\(Self.uuid)/124")
            let info = try #require(end.headers["cronicle-client-info"])
            #expect(info.contains("\"signal\":15"))
            #expect(info.contains("\"timed_out\":true"))
        }
    }

    @Test func killAfterSendsSigkillToACommandThatIgnoresSigterm() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                ["--timeout", "300ms", "--kill-after", "300ms"]
                    + Self.arguments(receiver, spool, ["sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30"]))
            #expect(result.status == 124)
            #expect(result.elapsed < .seconds(20))
            let info = try #require(Self.endPings(receiver).first?.headers["cronicle-client-info"])
            #expect(info.contains("\"signal\":9"))
        }
    }

    // MARK: Signals

    @Test func sigtermIsForwardedAndTheEndPingStillSent() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let exec = try ExecProcess(Self.arguments(receiver, spool, ["sleep", "30"]))
            // The start ping is sent after the signal handlers are in place.
            for _ in 0..<500 where receiver.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            try #require(!receiver.requests.isEmpty)
            try await Task.sleep(for: .milliseconds(100))
            exec.send(SIGTERM)
            let result = await exec.finish()
            #expect(result.exited)
            #expect(result.status == 143)
            #expect(result.elapsed < .seconds(20))
            #expect(Self.endPings(receiver).map(\.path) == ["/ping/\(Self.uuid)/143"])
        }
    }

    // MARK: Output

    @Test func tenMegabytesPassThroughIdenticalAndTheEndPingCarriesHeadAndTail() async throws {
        let spool = try TemporaryFolder()
        let folder = try TemporaryFolder()
        var content = Data()
        var line = 0
        while content.count < 10_000_000 {
            content.append(contentsOf: Array(String(format: "line %09d of the output\n", line).utf8))
            line += 1
        }
        let expected = content.prefix(10_000_000)
        let file = folder.url("ten-megabytes.txt")
        try expected.write(to: URL(fileURLWithPath: file))
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, ["cat", file]))
            #expect(result.status == 0)
            #expect(result.standardOutput.count == 10_000_000)
            #expect(result.standardOutput == expected)
            let end = try #require(Self.endPings(receiver).first)
            let head = String(decoding: expected.prefix(8 * 1024), as: UTF8.self)
            let tail = String(decoding: expected.suffix(56 * 1024), as: UTF8.self)
            let omitted = 10_000_000 - 64 * 1024
            #expect(end.body == head + "\n[… \(omitted) bytes omitted …]\n" + tail)
            #expect(end.headers["content-type"] == "text/plain; charset=utf-8")
        }
    }

    @Test func stdinStdoutAndStderrPassThrough() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                Self.arguments(receiver, spool, ["sh", "-c", "cat; echo to-stderr >&2"]),
                standardInput: Data("from stdin\n".utf8))
            #expect(result.status == 0)
            #expect(result.standardOutputText == "from stdin\n")
            #expect(result.standardError == "to-stderr\n")
            let end = try #require(Self.endPings(receiver).first)
            #expect(end.body.contains("from stdin\n"))
            #expect(end.body.contains("to-stderr\n"))
        }
    }

    @Test func aClosedStdinBecomesDevNullForTheCommand() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            // Started with descriptor 0 closed, exec finds it taken by the runtime's own files.
            let cronicle = ProductRunner.productURL("cronicle").path
            let script =
                "exec \"$0\" exec --ping-url \(Self.pingURL(receiver)) --spool \(spool.path) -- "
                + "sh -c 'wc -c; echo done' <&-"
            let environment = ProcessInfo.processInfo.environment.filter { !ExecProcess.settingsRead.contains($0.key) }
            let result = try await ProductRunner.run(
                executable: URL(fileURLWithPath: "/bin/sh"), ["-c", script, cronicle], environment: environment)
            #expect(result.status == 0)
            #expect(result.standardOutput == "0\ndone\n")
            #expect(Self.endPings(receiver).first?.body == "0\ndone\n")
        }
    }

    @Test func aReaderThatGoesAwayStopsTheCommandWithSigpipe() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            // `yes | head` ends because yes dies of SIGPIPE; with exec between them it must too.
            let cronicle = ProductRunner.productURL("cronicle").path
            let script =
                "\"$0\" exec --ping-url \(Self.pingURL(receiver)) --spool \(spool.path) -- yes | head -c 6; "
                + "echo \" status=${PIPESTATUS[0]}\""
            let environment = ProcessInfo.processInfo.environment.filter { !ExecProcess.settingsRead.contains($0.key) }
            let result = try await ProductRunner.run(
                executable: URL(fileURLWithPath: "/usr/bin/timeout"), ["20", "/bin/bash", "-c", script, cronicle],
                environment: environment)
            #expect(result.status == 0)
            #expect(result.standardOutput == "y\ny\ny\n status=\(128 + SIGPIPE)\n")
            #expect(Self.endPings(receiver).map(\.path) == ["/ping/\(Self.uuid)/\(128 + SIGPIPE)"])
        }
    }

    @Test func noOutputSendsAnEmptyBody() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                ["--no-output"] + Self.arguments(receiver, spool, ["echo", "secret"]))
            #expect(result.standardOutputText == "secret\n")
            let end = try #require(Self.endPings(receiver).first)
            #expect(end.body.isEmpty)
        }
    }

    // MARK: The monitor's answers

    @Test func aServerDownNeverFailsTheJobAndTheSpoolDeliversTheEndPingLater() async throws {
        let folder = try TemporaryFolder()
        let spool = folder.url("state/cronicle/spool")
        // A port that was just free: bind a receiver, note its port, stop it. Below the
        // ephemeral range (32768 and up), so that no other test's connection or port-0
        // server takes it before the receiver binds it again (a loaded CI run once did).
        var port = 0
        for _ in 0..<20 where port == 0 {
            let candidate = Int.random(in: 20_000..<32_000)
            port = (try? await WebhookReceiver.with(port: candidate) { $0.port }) ?? 0
        }
        try #require(port != 0)
        let url = "http://127.0.0.1:\(port)/ping/\(Self.uuid)"
        let result = try await ExecProcess.run(
            ["--ping-url", url, "--spool", spool, "--ping-deadline", "2s", "--", "sh", "-c", "echo partial; exit 3"])
        #expect(result.status == 3)
        #expect(result.standardOutputText == "partial\n")
        #expect(result.elapsed < .seconds(15))
        #expect(result.standardError.contains("could not deliver the end ping"))
        let files = try FileManager.default.contentsOfDirectory(atPath: spool).filter { !$0.hasPrefix(".") }
        try #require(files.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: spool)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let stored = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: (spool as NSString).appendingPathComponent(files[0]))))
                as? [String: Any])
        #expect(stored["method"] as? String == "POST")
        #expect((stored["url"] as? String)?.hasPrefix("\(url)/3?rid=") == true)
        #expect(stored["created_at"] is String)
        let body = try #require((stored["body_base64"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect(String(decoding: body, as: UTF8.self) == "partial\n")

        try await WebhookReceiver.with(port: port) { receiver in
            let next = try await ExecProcess.run(
                ["--ping-url", url, "--spool", spool, "--ping-deadline", "10s", "--", "true"])
            #expect(next.status == 0)
            let spooled = receiver.requests.filter { $0.path == "/ping/\(Self.uuid)/3" }
            try #require(spooled.count == 1)
            #expect(spooled[0].body == "partial\n")
            #expect(spooled[0].headers["cronicle-client-info"]?.contains("\"spooled\":true") == true)
            #expect(receiver.requests.contains { $0.path == "/ping/\(Self.uuid)/0" })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
    }

    @Test func a404IsToldOnceAndNotRetried() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with(answers: [404, 404, 404, 404]) { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, ["sleep", "0.3"]))
            #expect(result.status == 0)
            #expect(receiver.requests.map(\.path).sorted() == ["/ping/\(Self.uuid)/0", "/ping/\(Self.uuid)/start"])
            let warnings = result.standardError.split(separator: "\n")
            #expect(warnings.count == 1)
            #expect(
                warnings.first?.hasPrefix("cronicle exec: the monitor answered 404 to POST http://127.0.0.1") == true)
            #expect(result.standardError.contains("check --ping-url"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        }
    }

    @Test func a503IsRetriedUntilAccepted() async throws {
        let spool = try TemporaryFolder()
        // The start is answered 200, the end 503 twice and then 200.
        try await WebhookReceiver.with(answers: [200, 503, 503]) { receiver in
            let result = try await ExecProcess.run(
                [
                    "--ping-url", Self.pingURL(receiver), "--spool", spool.path, "--ping-deadline", "10s", "--",
                    "sleep", "1",
                ]
            )
            #expect(result.status == 0)
            #expect(Self.endPings(receiver).map(\.path) == Array(repeating: "/ping/\(Self.uuid)/0", count: 3))
            #expect(result.standardError.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        let spool = try TemporaryFolder()
        // The end is answered 503 with Retry-After: 1; full jitter alone would retry within 250 ms.
        try await WebhookReceiver.with(answers: [200, .init(503, retryAfter: "1")]) { receiver in
            let exec = try ExecProcess(
                [
                    "--ping-url", Self.pingURL(receiver), "--spool", spool.path, "--ping-deadline", "10s", "--",
                    "sleep", "0.5",
                ])
            let result = await exec.finish()
            #expect(result.status == 0)
            #expect(Self.endPings(receiver).count == 2)
            #expect(result.elapsed >= .milliseconds(1_500))
        }
    }

    @Test func a400IsToldWithTheReasonAndNotRetried() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with(answers: [200, 400]) { receiver in
            let result = try await ExecProcess.run(Self.arguments(receiver, spool, ["sleep", "1"]))
            #expect(result.status == 0)
            #expect(Self.endPings(receiver).count == 1)
            #expect(result.standardError.hasPrefix("cronicle exec: the monitor refused POST http://127.0.0.1"))
            #expect(result.standardError.contains("with 400"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        }
    }

    // MARK: Settings and environment

    @Test func theCommandSeesItsRunIDJobAndTraceparent() async throws {
        let spool = try TemporaryFolder()
        let inherited = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                [
                    "--server", "http://127.0.0.1:\(receiver.port)", "--job", "backup", "--spool", spool.path, "--",
                    "sh", "-c",
                    "sleep 0.2; echo \"$CRONICLE_RUN_ID\"; echo \"$TRACEPARENT\"; echo \"$CRONICLE_JOB_ID\"",
                ],
                environment: ["TRACEPARENT": inherited])
            #expect(result.status == 0)
            let lines = result.standardOutputText.split(separator: "\n").map(String.init)
            try #require(lines.count == 3)
            let start = try #require(receiver.requests.first { $0.path == "/jobs/backup/start" })
            let end = try #require(receiver.requests.first { $0.path == "/jobs/backup/end" })
            #expect(lines[0] == start.queryValue("run_id"))
            #expect(lines[0] == end.queryValue("run_id"))
            #expect(lines[0].wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil)
            #expect(lines[1].wholeMatch(of: /00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01/) != nil)
            #expect(lines[1] != inherited)
            #expect(lines[2] == "backup")
            #expect(end.queryValue("exit_code") == "0")
            #expect(end.queryValue("message") == "exit status 0")
            #expect(start.headers["content-type"] == "text/plain")
            #expect(start.body.isEmpty)
            #expect(end.headers["content-type"] == "text/plain")
            #expect(end.body == result.standardOutputText)
        }
    }

    @Test func withoutAnInheritedTraceparentTheTraceIsNew() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                Self.arguments(receiver, spool, ["sh", "-c", "echo \"$TRACEPARENT\""]),
                environment: ["TRACEPARENT": "garbage"])
            let line = result.standardOutputText.trimmingCharacters(in: .newlines)
            #expect(line.wholeMatch(of: /00-[0-9a-f]{32}-[0-9a-f]{16}-01/) != nil)
        }
    }

    @Test func runitorsVariablesBuildThePingURL() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                ["--spool", spool.path, "--", "sleep", "0.2"],
                environment: ["HC_API_URL": "http://127.0.0.1:\(receiver.port)/ping", "CHECK_UUID": Self.uuid])
            #expect(result.status == 0)
            let paths = receiver.requests.map(\.path)
            #expect(paths.sorted() == ["/ping/\(Self.uuid)/0", "/ping/\(Self.uuid)/start"])
            let rids = Set(receiver.requests.compactMap { $0.queryValue("rid") })
            #expect(rids.count == 1)
            for request in receiver.requests {
                #expect(request.headers["user-agent"]?.hasPrefix("cronicle-exec/") == true)
                let info = try #require(request.headers["cronicle-client-info"])
                #expect(info.unicodeScalars.allSatisfy { $0.isASCII })
                let object = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
                #expect(object["argv0"] as? String == "sleep")
                #expect(object["hostname"] is String && object["os"] is String && object["user"] is String)
                #expect(object["pid"] is Int)
            }
            let end = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(
                        (receiver.requests.first { $0.path.hasSuffix("/0") }?.headers["cronicle-client-info"] ?? "")
                            .utf8)) as? [String: Any])
            #expect((end["duration_seconds"] as? Double ?? 0) >= 0.2)
            #expect(end["exit_status"] as? Int == 0)
            #expect(end["started_at"] is String && end["ended_at"] is String)
        }
    }

    @Test func thePingKeyAndSlugFormNamesTheJob() async throws {
        let spool = try TemporaryFolder()
        try await WebhookReceiver.with { receiver in
            let result = try await ExecProcess.run(
                [
                    "--server", "http://127.0.0.1:\(receiver.port)", "--ping-key", "k3y", "--job", "nightly-backup",
                    "--spool", spool.path, "--", "sh", "-c", "sleep 0.2; echo $CRONICLE_JOB_ID",
                ],
                environment: ["CHECK_UUID": "ignored-because-flags-win"])
            #expect(result.standardOutputText == "nightly-backup\n")
            #expect(
                receiver.requests.map(\.path).sorted() == [
                    "/ping/k3y/nightly-backup/0", "/ping/k3y/nightly-backup/start",
                ])
        }
    }

    @Test func nothingToReportToIsAUsageErrorSayingWhatToPass() async throws {
        let result = try await ExecProcess.run(["--", "true"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("pass --job ID"))
        #expect(result.standardError.contains("--ping-url URL"))
    }
}
