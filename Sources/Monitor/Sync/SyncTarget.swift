import Config
import Foundation

/// Where `cronicle-sync plan` and `apply` send job definitions: the monitor's database
/// file (``MonitorStore``) or a running monitor (``MonitorServerClient``). Both validate
/// and reconcile with the same code, in the store.
public protocol SyncTarget: Sendable {
    func plan(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func apply(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport
    func history(limit: Int) async throws -> [SyncRecord]
}

extension MonitorStore: SyncTarget {
    public func plan(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await planSync(files: files, source: source, options: options)
    }

    public func apply(files: [JobSourceFile], source: SyncSource, options: SyncOptions) async throws -> SyncReport {
        try await applySync(files: files, source: source, options: options)
    }

    public func history(limit: Int) async throws -> [SyncRecord] {
        try await syncHistory(limit: limit)
    }
}

/// The body of `POST /sync/plan` and `POST /sync/apply`: the definition files as read
/// from the source, so the server validates them itself.
struct SyncRequest: Codable {
    struct File: Codable {
        var path: String
        var contents: String
    }

    var source: SyncSource
    var files: [File]
    var prune: Bool?
    var adopt: Bool?
    var requestID: String?

    enum CodingKeys: String, CodingKey {
        case source, files, prune, adopt, requestID = "request_id"
    }

    var jobSourceFiles: [JobSourceFile] { files.map { JobSourceFile(path: $0.path, contents: Data($0.contents.utf8)) } }
    var options: SyncOptions { SyncOptions(prune: prune ?? true, adopt: adopt ?? false, requestID: requestID) }
}

/// JSON for the sync endpoints, both ways: timestamps as the API writes them.
enum SyncCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(from: date))
        }
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(text)")
            }
            return date
        }
        return decoder
    }
}
