import ArgumentParser
import Config
import Foundation
import MonitorDomain
import MonitorStorage
import SyncClient

/// Where plan, apply and watch read definitions: `--dir`, or `--repo --ref --path`.
struct DefinitionsFolderOptions: ParsableArguments {
    @Option(help: "Folder of job definitions (when not reading from git).")
    var dir = JobFileFinder.defaultFolder

    @OptionGroup var repository: RepositoryOptions

    var folder: DefinitionsFolder {
        repository.source.map(DefinitionsFolder.git) ?? .folder(dir)
    }

    /// The definition files for plan and apply, and where they came from. A file the
    /// finder refused to read (a symbolic link out of the folder, or a loop) stops them
    /// here: a server is sent paths and contents only, and would take it for an empty
    /// file, so an apply with pruning would delete the jobs it used to define.
    func read() throws(DefinitionReadError) -> (files: [DefinitionFile], source: SyncSource) {
        let (files, source) = try folder.read()
        if let refusal = files.lazy.compactMap(\.refusal).first {
            throw DefinitionReadError(
                "\(UntrustedText.escaped(refusal.file)): \(refusal.message) [\(refusal.rule.rawValue)]")
        }
        return (files, source)
    }
}

/// Where plan, apply, watch and status send them: `--db FILE` or `--server URL`.
struct SyncTargetOptions: ParsableArguments {
    @Option(help: "The monitor's SQLite file, written directly.")
    var db: String?

    @Option(help: "A running monitor's URL, such as http://127.0.0.1:8000 (or CRONICLE_SERVER).")
    var server: String?

    @Option(help: "The monitor's API token, for --server (or CRONICLE_API_TOKEN).")
    var token: String?

    func validate() throws {
        if db != nil && server != nil { throw ValidationError("give --db or --server, not both") }
    }

    /// The monitor to plan or apply against. `plan` and `status` open a database file
    /// read-only and refuse a missing one; `apply` and `watch` create it.
    func target(_ mode: MonitorStore.OpenMode) throws -> any SyncTarget {
        let environment = ProcessInfo.processInfo.environment
        if let db { return try MonitorStore(path: db, mode: mode) }
        guard let server = server ?? environment["CRONICLE_SERVER"] else {
            throw ValidationError("choose a target: --db FILE or --server URL (or set CRONICLE_SERVER)")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http or https URL, such as http://127.0.0.1:8000")
        }
        return MonitorServerClient(baseURL: url, token: token ?? environment["CRONICLE_API_TOKEN"])
    }
}

/// `--no-prune` and `--adopt`.
struct ReconcileOptions: ParsableArguments {
    @Flag(help: "Keep jobs that are gone from the definitions.")
    var noPrune = false

    @Flag(help: "Take over jobs with the same id made through the API or synced from elsewhere.")
    var adopt = false

    var options: SyncOptions { SyncOptions(prune: !noPrune, adopt: adopt) }
}

enum SyncOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
