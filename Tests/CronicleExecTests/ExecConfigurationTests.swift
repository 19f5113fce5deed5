import CronicleExec
import Testing

/// Flags and environment resolved in one place: which target, which spool, which durations.
@Suite struct ExecConfigurationTests {
    static func resolve(
        _ environment: [String: String] = [:], _ change: (inout ExecOptions) -> Void = { _ in }
    ) throws(ExecSettingsError) -> ExecConfiguration {
        var options = ExecOptions()
        options.command = ["true"]
        change(&options)
        return try ExecConfiguration(options: options, environment: environment, version: "9.9")
    }

    @Test func runitorsHCAPIURLAndCheckUUIDMakeThePingURL() throws {
        let configuration = try Self.resolve(["HC_API_URL": "http://host:8000/ping/", "CHECK_UUID": "abc-123"])
        #expect(configuration.target == .pingURL("http://host:8000/ping/abc-123", jobID: nil))
        #expect(configuration.target.startURL(runID: "r1") == "http://host:8000/ping/abc-123/start?rid=r1")
        #expect(
            configuration.target.endURL(runID: "r1", exitStatus: 3, message: "ignored")
                == "http://host:8000/ping/abc-123/3?rid=r1")
    }

    @Test func aPingKeyAndSlugUseTheSlugForm() throws {
        let runitor = try Self.resolve(["HC_API_URL": "http://host/ping", "PING_KEY": "key", "CHECK_SLUG": "db-backup"])
        #expect(runitor.target == .pingURL("http://host/ping/key/db-backup", jobID: "db-backup"))
        let flags = try Self.resolve(["CRONICLE_PING_KEY": "k2"]) { $0.job = "nightly" }
        #expect(flags.target == .pingURL("http://127.0.0.1:8000/ping/k2/nightly", jobID: "nightly"))
        let server = try Self.resolve(["CRONICLE_URL": "https://cron.example.com"]) {
            $0.job = "nightly"
            $0.pingKey = "k3"
        }
        #expect(server.target == .pingURL("https://cron.example.com/ping/k3/nightly", jobID: "nightly"))
    }

    @Test func aJobWithoutAPingKeyUsesTheJobRoutes() throws {
        let configuration = try Self.resolve(["CRONICLE_URL": "http://monitor:8000"]) { $0.job = "backup job" }
        #expect(configuration.target == .job(server: "http://monitor:8000", id: "backup job"))
        #expect(
            configuration.target.startURL(runID: "r1") == "http://monitor:8000/jobs/backup%20job/start?run_id=r1")
        #expect(
            configuration.target.endURL(runID: "r1", exitStatus: 137, message: "killed by signal 9")
                == "http://monitor:8000/jobs/backup%20job/end?run_id=r1&exit_code=137&message=killed%20by%20signal%209")
        // Only HC_API_URL names the server: its /ping is not part of the job routes.
        let runitor = try Self.resolve(["HC_API_URL": "http://host:8000/ping"]) { $0.job = "a" }
        #expect(runitor.target == .job(server: "http://host:8000", id: "a"))
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let configuration = try Self.resolve(
            ["CRONICLE_URL": "http://env:1", "CHECK_UUID": "env-uuid", "CRONICLE_SPOOL": "/env/spool"]
        ) {
            $0.server = "http://flag:2"
            $0.job = "flag-job"
            $0.spool = "/flag/spool"
        }
        #expect(configuration.target == .job(server: "http://flag:2", id: "flag-job"))
        #expect(configuration.spoolDirectory == "/flag/spool")
        let pingURL = try Self.resolve(["CHECK_UUID": "env-uuid"]) { $0.pingURL = "http://x/ping/flag" }
        #expect(pingURL.target == .pingURL("http://x/ping/flag", jobID: nil))
    }

    @Test func nothingToReportToSaysWhatToPass() {
        #expect {
            try Self.resolve()
        } throws: { error in
            let error = error as? ExecSettingsError
            return error?.code == .missingTarget && error?.message.contains("--job ID") == true
                && error?.message.contains("--ping-url URL") == true && error?.message.contains("CHECK_UUID") == true
        }
    }

    @Test func refusesBothTargetsABadURLANoCommandAndABadDuration() {
        #expect(throws: ExecSettingsError.self) {
            try Self.resolve {
                $0.job = "a"
                $0.pingURL = "http://x/ping/u"
            }
        }
        for url in ["ftp://x/ping/u", "not a url", "http:///ping", "http://x/ping?u=1"] {
            #expect(throws: ExecSettingsError.self) { try Self.resolve { $0.pingURL = url } }
        }
        #expect(throws: ExecSettingsError.self) {
            try Self.resolve {
                $0.job = "a"
                $0.command = []
            }
        }
        #expect(throws: ExecSettingsError.self) {
            try Self.resolve {
                $0.job = "a"
                $0.timeout = "soon"
            }
        }
    }

    @Test func durationsAndDefaults() throws {
        let configuration = try Self.resolve {
            $0.job = "a"
            $0.timeout = "1h30m"
            $0.killAfter = "500ms"
            $0.pingDeadline = "2"
            $0.noOutput = true
        }
        #expect(configuration.timeout == .seconds(5_400))
        #expect(configuration.killAfter == .milliseconds(500))
        #expect(configuration.pingDeadline == .seconds(2))
        #expect(!configuration.sendsOutput)
        let defaults = try Self.resolve(["HOME": "/home/ops"]) { $0.job = "a" }
        #expect(defaults.timeout == nil)
        #expect(defaults.killAfter == .seconds(10))
        #expect(defaults.pingDeadline == .seconds(30))
        #expect(defaults.sendsOutput)
        #expect(defaults.spoolDirectory == "/home/ops/.local/state/cronicle/spool")
        let xdg = try Self.resolve(["XDG_STATE_HOME": "/var/state", "HOME": "/home/ops"]) { $0.job = "a" }
        #expect(xdg.spoolDirectory == "/var/state/cronicle/spool")
    }

    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("15m", .seconds(900)), ("2h", .seconds(7_200)), ("1d", .seconds(86_400)),
        ("500ms", .milliseconds(500)), ("1h30m", .seconds(5_400)), ("10", .seconds(10)), ("2.5", .milliseconds(2_500)),
        ("1.5s", .milliseconds(1_500)),
    ])
    func readsDurations(text: String, expected: Duration) {
        #expect(Duration(commandLine: text) == expected)
    }

    @Test(arguments: ["", "s", "abc", "5x", "0", "0s", "-1s", "1h30", "1 h", "1.2.3s"])
    func refusesDurations(text: String) {
        #expect(Duration(commandLine: text) == nil)
    }
}
