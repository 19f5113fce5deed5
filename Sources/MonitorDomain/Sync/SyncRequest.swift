import Config
import Foundation

/// The body of `POST /sync/plan` and `POST /sync/apply`: the definition files as read
/// from the source, so the server validates them itself.
package struct SyncRequest: Codable {
    package struct File: Codable {
        package var path: String
        package var contents: String

        package init(path: String, contents: String) {
            self.path = path
            self.contents = contents
        }
    }

    package var source: SyncSource
    package var files: [File]
    package var prune: Bool?
    package var adopt: Bool?
    package var requestID: String?

    package init(source: SyncSource, files: [File], prune: Bool?, adopt: Bool?, requestID: String?) {
        self.source = source
        self.files = files
        self.prune = prune
        self.adopt = adopt
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case source, files, prune, adopt, requestID = "request_id"
    }

    package var jobSourceFiles: [DefinitionFile] {
        files.map { DefinitionFile(path: $0.path, contents: Data($0.contents.utf8)) }
    }
    package var options: SyncOptions { SyncOptions(prune: prune ?? true, adopt: adopt ?? false, requestID: requestID) }
}
