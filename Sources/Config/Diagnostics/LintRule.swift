/// Every check `cronicle-sync validate` makes, with a stable id shown as `[rule-id]`.
///
/// Ids never change meaning once released, so CI scripts and editors may match on them.
public enum LintRule: String, CaseIterable, Sendable, Codable {
    // Errors
    case yamlSyntax = "yaml-syntax"
    case notAMapping = "not-a-mapping"
    case duplicateKey = "duplicate-key"
    case unknownKey = "unknown-key"
    case missingField = "missing-field"
    case wrongType = "wrong-type"
    case invalidJobID = "invalid-job-id"
    case duplicateJobID = "duplicate-job-id"
    case cronSyntax = "cron-syntax"
    case cronNeverFires = "cron-never-fires"
    case unknownTimezone = "unknown-timezone"
    case invalidDuration = "invalid-duration"
    case durationTooLong = "duration-too-long"
    case linkOutsideFolder = "link-outside-folder"
    case linkLoop = "link-loop"
    case outOfRange = "out-of-range"
    case invalidValue = "invalid-value"
    case invalidChannelName = "invalid-channel-name"
    case duplicateChannel = "duplicate-channel"
    case unknownChannelType = "unknown-channel-type"
    case fieldNotForType = "field-not-for-type"
    case invalidURL = "invalid-url"
    case invalidEmailAddress = "invalid-email-address"
    case invalidSecretReference = "invalid-secret-reference"
    case literalSecret = "literal-secret"
    case unknownChannel = "unknown-channel"
    case unresolvableSecret = "unresolvable-secret"
    case conflictingFields = "conflicting-fields"
    case invalidPingUUID = "invalid-ping-uuid"
    case duplicatePingUUID = "duplicate-ping-uuid"
    case invalidLabel = "invalid-label"
    case invalidDefaults = "invalid-defaults"
    case invalidWindowName = "invalid-window-name"
    case invalidWindow = "invalid-window"
    case duplicateWindow = "duplicate-window"
    // Warnings
    case runsOverlap = "runs-overlap"
    case ambiguousTolerance = "ambiguous-tolerance"
    case ignoredMaxRuntime = "ignored-max-runtime"
    case daylightSaving = "dst-affected"
    case fileNameMismatch = "file-name-mismatch"
    case unusedChannel = "unused-channel"
    case unusedIgnore = "unused-ignore"
    case unusedWindow = "unused-window"

    /// The rules that only warn, the ones `lint.ignore` and `validate --ignore` accept,
    /// as a message lists them: `runs-overlap, ambiguous-tolerance, ...`.
    public static var ignorableList: String {
        allCases.filter { $0.severity == .warning }.map(\.rawValue).joined(separator: ", ")
    }

    public var severity: Diagnostic.Severity {
        switch self {
        case .runsOverlap, .ambiguousTolerance, .ignoredMaxRuntime, .daylightSaving, .fileNameMismatch, .unusedChannel,
            .unusedIgnore, .unusedWindow:
            .warning
        default: .error
        }
    }
}
