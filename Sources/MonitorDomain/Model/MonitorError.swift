/// An error the monitor reports to its callers: a code programs can match, and a
/// message a person can act on. The HTTP layer turns each code into a status and the
/// JSON envelope `{"error": {"code": ..., "message": ...}}`.
public struct MonitorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, growable set of codes (a struct, not an enum, so adding one breaks no switch).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable, CaseIterable {
            case notFound = "not_found"
            case invalidRequest = "invalid_request"
            case malformedJSON = "malformed_json"
            case conflict
            case managedBySync = "managed_by_sync"
            case unauthorized
            case forbidden
            case payloadTooLarge = "payload_too_large"
            case internalError = "internal_error"
            case unavailable
            case storageFull = "storage_full"
            case storageUnavailable = "storage_unavailable"
            case syncFailed = "sync_failed"
            case methodNotAllowed = "method_not_allowed"
        }

        fileprivate let base: Base

        public static let notFound = Code(base: .notFound)
        public static let invalidRequest = Code(base: .invalidRequest)
        public static let malformedJSON = Code(base: .malformedJSON)
        public static let conflict = Code(base: .conflict)
        public static let managedBySync = Code(base: .managedBySync)
        public static let unauthorized = Code(base: .unauthorized)
        public static let forbidden = Code(base: .forbidden)
        public static let payloadTooLarge = Code(base: .payloadTooLarge)
        public static let internalError = Code(base: .internalError)
        /// The server cannot take the request now (too many connections); retry shortly.
        public static let unavailable = Code(base: .unavailable)
        /// The disk holding the database is full; nothing was recorded.
        public static let storageFull = Code(base: .storageFull)
        /// The database cannot be written (read-only file or mount, I/O error); nothing was recorded.
        public static let storageUnavailable = Code(base: .storageUnavailable)

        /// The definitions sent to `/sync/plan` or `/sync/apply` have errors, or the plan
        /// conflicts; the answer carries the report beside the error.
        public static let syncFailed = Code(base: .syncFailed)
        /// The path exists, but not with this method; `Allow` names those it has.
        public static let methodNotAllowed = Code(base: .methodNotAllowed)

        /// Every code the monitor answers with, for the OpenAPI document.
        public static var allCases: [Code] { Base.allCases.map { Code(base: $0) } }

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The storage refused (full, or unreachable), not the request: answered 503 with
    /// `Retry-After`, and what failed may work once the storage does.
    package var isStorageFault: Bool { code == .storageFull || code == .storageUnavailable }

    package static func jobNotFound(_ jobID: String) -> MonitorError {
        MonitorError(.notFound, "job '\(jobID)' does not exist")
    }

    package static func runNotFound(_ runID: String) -> MonitorError {
        MonitorError(.notFound, "run '\(runID)' does not exist")
    }
}
