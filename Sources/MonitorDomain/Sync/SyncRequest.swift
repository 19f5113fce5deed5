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
    package var allowMassDelete: Bool?
    package var allowEmpty: Bool?

    package init(source: SyncSource, files: [File], options: SyncOptions) {
        self.source = source
        self.files = files
        self.prune = options.prune
        self.adopt = options.adopt
        self.requestID = options.requestID
        self.allowMassDelete = options.allowMassDelete
        self.allowEmpty = options.allowEmpty
    }

    enum CodingKeys: String, CodingKey {
        case source, files, prune, adopt, requestID = "request_id", allowMassDelete = "allow_mass_delete"
        case allowEmpty = "allow_empty"
    }

    package var jobSourceFiles: [DefinitionFile] {
        files.map { DefinitionFile(path: $0.path, contents: Data($0.contents.utf8)) }
    }
    package var options: SyncOptions {
        SyncOptions(
            prune: prune ?? true, adopt: adopt ?? false, requestID: requestID,
            allowMassDelete: allowMassDelete ?? false, allowEmpty: allowEmpty ?? false)
    }
}
