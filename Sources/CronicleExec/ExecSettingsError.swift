/// A setting of `cronicle exec` that cannot be used, with a message that says what to pass.
///
/// The command turns it into a usage error (exit status 64) before anything runs.
public struct ExecSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of setting was wrong; codes can grow without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case missingTarget = "missing_target"
            case conflictingTargets = "conflicting_targets"
            case invalidURL = "invalid_url"
            case invalidDuration = "invalid_duration"
            case missingCommand = "missing_command"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Neither a job nor a ping URL was given.
        public static let missingTarget = Code(.missingTarget)
        /// Both `--job` and `--ping-url` were given.
        public static let conflictingTargets = Code(.conflictingTargets)
        /// A URL that is not `http` or `https` with a host.
        public static let invalidURL = Code(.invalidURL)
        /// A duration that could not be read.
        public static let invalidDuration = Code(.invalidDuration)
        /// Nothing after `--`.
        public static let missingCommand = Code(.missingCommand)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    /// What went wrong and what to pass instead.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
