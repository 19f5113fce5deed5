/// What `cronicle exec` was given on its command line, as typed: the command reads its flags
/// into this and ``ExecConfiguration/init(options:environment:version:)`` makes sense of them
/// together with the environment.
public struct ExecOptions: Sendable, Equatable {
    /// `--server URL`: the monitor's address.
    public var server: String?
    /// `--ping-key KEY`: sends pings in the slug form `/ping/KEY/JOB`.
    public var pingKey: String?
    /// `--job ID`: the job the run belongs to.
    public var job: String?
    /// `--ping-url URL`: a full ping URL, Healthchecks style.
    public var pingURL: String?
    /// `--timeout D`.
    public var timeout: String?
    /// `--kill-after D`.
    public var killAfter: String?
    /// `--no-output`: send no output with the end ping.
    public var noOutput = false
    /// `--spool DIR`.
    public var spool: String?
    /// `--ping-deadline D`.
    public var pingDeadline: String?
    /// The command and its arguments, everything after `--`.
    public var command: [String] = []

    public init() {}
}
