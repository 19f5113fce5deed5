import ArgumentParser
import CronicleBuildInfo
import Foundation

/// `cronicle exec`: runs a command and reports its run to the monitor (docs/exec.md).
/// Flags override `CRONICLE_*` and runitor's environment variables; the logic is in ExecRunner.
public struct ExecCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command and report its start, end, exit status and output to the monitor.",
        usage: "cronicle exec [--server URL] [--ping-key KEY] (--job ID | --ping-url URL) [options] -- CMD [ARGS...]",
        discussion: """
            Runs CMD directly (no shell) with stdin, stdout and stderr passed through, and exits with CMD's status \
            (128+N when killed by signal N, 127 not found, 126 not executable, 124 after --timeout). The monitor \
            being down never fails the job: pings are retried until --ping-deadline, and an end ping still not \
            delivered is kept in the spool and sent by the next cronicle exec.

            Durations: a number and a unit, ms, s, m, h or d (500ms, 90s, 15m, 2h, 1h30m); a bare number is seconds.

            Environment: CRONICLE_URL, CRONICLE_PING_KEY, CRONICLE_SPOOL, and runitor's HC_API_URL, CHECK_UUID, \
            PING_KEY and CHECK_SLUG. The command sees CRONICLE_JOB_ID, CRONICLE_RUN_ID and TRACEPARENT.
            """)

    @Option(help: ArgumentHelp("The monitor's address. Default: http://127.0.0.1:8000", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("Send pings to /ping/KEY/JOB instead of the job API.", valueName: "key"))
    var pingKey: String?

    @Option(help: ArgumentHelp("The job the run belongs to.", valueName: "id"))
    var job: String?

    @Option(
        name: .customLong("ping-url"),
        help: ArgumentHelp("A job's ping URL, such as http://host:8000/ping/UUID.", valueName: "url"))
    var pingURL: String?

    @Option(help: ArgumentHelp("Stop CMD with SIGTERM after this long; exit status 124.", valueName: "duration"))
    var timeout: String?

    @Option(
        help: ArgumentHelp("Send SIGKILL this long after the timeout's SIGTERM. Default: 10s", valueName: "duration"))
    var killAfter: String?

    @Flag(help: "Send no output with the end ping (it is still passed through).")
    var noOutput = false

    @Option(
        help: ArgumentHelp(
            "Folder for end pings not yet delivered. Default: $XDG_STATE_HOME/cronicle/spool or "
                + "~/.local/state/cronicle/spool", valueName: "dir"))
    var spool: String?

    @Option(help: ArgumentHelp("How long each ping may take, retries included. Default: 30s", valueName: "duration"))
    var pingDeadline: String?

    @Argument(
        parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "cmd"))
    var command: [String] = []

    public init() {}

    public func run() async throws {
        var options = ExecOptions()
        options.server = server
        options.pingKey = pingKey
        options.job = job
        options.pingURL = pingURL
        options.timeout = timeout
        options.killAfter = killAfter
        options.noOutput = noOutput
        options.spool = spool
        options.pingDeadline = pingDeadline
        options.command = command
        let environment = ProcessInfo.processInfo.environment
        let configuration: ExecConfiguration
        do {
            configuration = try ExecConfiguration(
                options: options, environment: environment, version: CronicleVersion.current)
        } catch {
            throw ValidationError(error.message)
        }
        let status = await ExecRunner(configuration: configuration, environment: environment).run()
        throw ExitCode(status)
    }
}
