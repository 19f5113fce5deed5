import Foundation

/// Everything `cronicle exec` needs to run a command and report it, resolved from flags and
/// the environment in one place (flags win over the environment, which wins over defaults).
///
/// ```swift
/// var options = ExecOptions()
/// options.job = "backup"
/// options.command = ["/usr/local/bin/backup"]
/// let configuration = try ExecConfiguration(
///     options: options, environment: ProcessInfo.processInfo.environment, version: "1.0")
/// ```
///
/// The environment variables read are `CRONICLE_URL`, `CRONICLE_PING_KEY`, `CRONICLE_SPOOL`,
/// and runitor's `HC_API_URL`, `CHECK_UUID`, `PING_KEY` and `CHECK_SLUG`.
public struct ExecConfiguration: Sendable, Equatable {
    /// The monitor's address when nothing names one.
    public static let defaultServer = "http://127.0.0.1:8000"

    /// Where the pings go.
    public var target: PingTarget
    /// The command and its arguments; never empty.
    public var command: [String]
    /// `--timeout`: SIGTERM after this long, and exit status 124.
    public var timeout: Duration?
    /// `--kill-after`: SIGKILL this long after the timeout's SIGTERM.
    public var killAfter: Duration = .seconds(10)
    /// False with `--no-output`: the end ping then carries no output.
    public var sendsOutput = true
    /// Where end pings that could not be delivered wait for the next run.
    public var spoolDirectory: String
    /// How long each ping may take, retries included.
    public var pingDeadline: Duration = .seconds(30)
    /// Reported in `User-Agent` and the client info.
    public var version: String

    public init(target: PingTarget, command: [String], spoolDirectory: String, version: String) {
        self.target = target
        self.command = command
        self.spoolDirectory = spoolDirectory
        self.version = version
    }

    /// Resolves flags and environment.
    ///
    /// - Throws: ``ExecSettingsError`` naming what to pass when no target or command is given,
    ///   when both `--job` and `--ping-url` are, or when a URL or duration cannot be read.
    public init(options: ExecOptions, environment: [String: String], version: String) throws(ExecSettingsError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        guard !options.command.isEmpty else {
            throw ExecSettingsError(
                .missingCommand,
                "no command to run: put it after --, e.g. cronicle exec --job backup -- /usr/local/bin/backup")
        }
        let target = try Self.target(options: options, value: value)
        let spool =
            options.spool ?? value("CRONICLE_SPOOL")
            ?? Self.defaultSpoolDirectory(stateHome: value("XDG_STATE_HOME"), home: value("HOME"))
        self.init(target: target, command: options.command, spoolDirectory: spool, version: version)
        sendsOutput = !options.noOutput
        if let text = options.timeout { timeout = try Self.duration(text, flag: "--timeout") }
        if let text = options.killAfter { killAfter = try Self.duration(text, flag: "--kill-after") }
        if let text = options.pingDeadline { pingDeadline = try Self.duration(text, flag: "--ping-deadline") }
    }

    /// `$XDG_STATE_HOME/cronicle/spool`, else `~/.local/state/cronicle/spool`.
    public static func defaultSpoolDirectory(stateHome: String?, home: String?) -> String {
        let state = stateHome ?? ((home ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return (state as NSString).appendingPathComponent("cronicle/spool")
    }

    private static func target(
        options: ExecOptions, value: (String) -> String?
    ) throws(ExecSettingsError) -> PingTarget {
        if options.pingURL != nil && options.job != nil {
            throw ExecSettingsError(
                .conflictingTargets,
                "pass either --job ID or --ping-url URL, not both: a ping URL already names its job")
        }
        if let url = options.pingURL {
            return .pingURL(try webURL(url, what: "--ping-url"), jobID: nil)
        }
        let pingKey = options.pingKey ?? value("CRONICLE_PING_KEY") ?? value("PING_KEY")
        // The server's root, or runitor's HC_API_URL, which already ends in /ping.
        let explicitServer = try (options.server ?? value("CRONICLE_URL")).map { url throws(ExecSettingsError) in
            try webURL(url, what: options.server != nil ? "--server" : "CRONICLE_URL")
        }
        let pingBase = try value("HC_API_URL").map { url throws(ExecSettingsError) in
            try webURL(url, what: "HC_API_URL")
        }
        let server = explicitServer ?? pingBase.map(rootOfPingBase) ?? defaultServer
        let pingRoot = explicitServer.map { "\($0)/ping" } ?? pingBase ?? "\(defaultServer)/ping"

        if let job = options.job {
            if let pingKey {
                return .pingURL(
                    "\(pingRoot)/\(PingTarget.pathSegment(pingKey))/\(PingTarget.pathSegment(job))", jobID: job)
            }
            return .job(server: server, id: job)
        }
        if let uuid = value("CHECK_UUID") {
            return .pingURL("\(pingRoot)/\(PingTarget.pathSegment(uuid))", jobID: nil)
        }
        if let slug = value("CHECK_SLUG") {
            if let pingKey {
                return .pingURL(
                    "\(pingRoot)/\(PingTarget.pathSegment(pingKey))/\(PingTarget.pathSegment(slug))", jobID: slug)
            }
            return .job(server: server, id: slug)
        }
        throw ExecSettingsError(
            .missingTarget,
            "nothing names the job to report: pass --job ID (with --ping-key KEY to use the ping URLs) "
                + "or --ping-url URL, or set CHECK_UUID (with HC_API_URL) as for runitor")
    }

    /// An `http` or `https` URL with a host, without a trailing slash.
    static func webURL(_ text: String, what: String) throws(ExecSettingsError) -> String {
        var url = text.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw ExecSettingsError(
                .invalidURL, "\(what) must be an http or https URL with a host and no query, not '\(text)'")
        }
        return url
    }

    /// runitor's HC_API_URL ends in `/ping`; the job routes hang off the root before it.
    private static func rootOfPingBase(_ base: String) -> String {
        base.hasSuffix("/ping") ? String(base.dropLast("/ping".count)) : base
    }

    private static func duration(_ text: String, flag: String) throws(ExecSettingsError) -> Duration {
        guard let duration = Duration(commandLine: text) else {
            throw ExecSettingsError(
                .invalidDuration,
                "\(flag) takes a duration above zero such as 500ms, 90s, 15m, 2h or 1h30m (a bare number is "
                    + "seconds), not '\(text)'")
        }
        return duration
    }
}
