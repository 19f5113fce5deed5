/// What validating a set of job-definition files found: the jobs that are valid, and
/// every diagnostic, in file order then line and column.
public struct ValidationReport: Sendable {
    /// The valid jobs, in file order. A job with any error is left out.
    public var jobs: [JobDefinition]
    /// The valid notification channels, in file order.
    public var channels: [ChannelDefinition]
    /// The valid maintenance windows, in file order.
    public var windows: [WindowDefinition]
    public var diagnostics: [Diagnostic]
    /// How many files were read.
    public var fileCount: Int
    /// How many job documents were found, valid or not.
    public var jobCount: Int
    /// How many channel documents were found, valid or not.
    public var channelCount: Int
    /// The commit the files were read from, when they came from git.
    public var commit: String?

    public init(
        jobs: [JobDefinition], channels: [ChannelDefinition] = [], windows: [WindowDefinition] = [],
        diagnostics: [Diagnostic], fileCount: Int,
        jobCount: Int, channelCount: Int = 0, commit: String? = nil
    ) {
        self.jobs = jobs
        self.channels = channels
        self.windows = windows
        self.channelCount = channelCount
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.jobCount = jobCount
        self.commit = commit
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// 0 when clean, 1 with errors (or with warnings when `strict`).
    public func exitStatus(strict: Bool) -> Int32 {
        errorCount > 0 || (strict && warningCount > 0) ? 1 : 0
    }
}
