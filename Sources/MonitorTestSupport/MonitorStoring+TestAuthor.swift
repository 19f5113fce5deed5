import Config
import MonitorDomain

extension ChangeAuthor {
    /// The author of the changes tests make straight through a store.
    public static let test = ChangeAuthor("test", via: .api)
}

extension MonitorStoring {
    /// `saveJob(_:by:)` by ``ChangeAuthor/test``.
    public func saveJob(_ definition: JobDefinition) async throws -> (job: Job, created: Bool) {
        try await saveJob(definition, by: .test)
    }

    /// `deleteJob(_:by:)` by ``ChangeAuthor/test``.
    public func deleteJob(_ jobID: String) async throws {
        try await deleteJob(jobID, by: .test)
    }

    /// `acknowledgeAlert(_:by:)` by ``ChangeAuthor/test``.
    public func acknowledgeAlert(_ id: Int64) async throws -> JobAlert {
        try await acknowledgeAlert(id, by: .test)
    }
}
