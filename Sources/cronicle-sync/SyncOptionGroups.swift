import ArgumentParser
import Config
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import SyncClient

/// Where plan, apply and watch read definitions: `--dir`, or `--repo --ref --path`.
struct DefinitionsFolderOptions: ParsableArguments {
    @Option(help: "Folder of job definitions (when not reading from git; default jobs.d).")
    var dir: String?

    @OptionGroup var repository: RepositoryOptions

    @Option(
        name: .customLong("source"),
        help: ArgumentHelp(
            "Name whose jobs these are, for a folder outside a git work tree (or to override the name).",
            discussion: "Without it, the jobs belong to the repository and path they come from.",
            valueName: "name"))
    var sourceName: String?

    func validate() throws {
        if dir != nil && repository.repository != nil {
            throw ValidationError(
                "give --dir (a folder on disk) or --repo (a git repository), not both; "
                    + "for a folder inside a repository, use --repo with --path")
        }
        if let sourceName, let problem = SyncSource.problem(withName: sourceName) {
            throw ValidationError("--source \(UntrustedText.escaped(sourceName)): \(problem)")
        }
    }

    var folder: DefinitionsFolder {
        DefinitionsFolder(
            repository.source.map(DefinitionsFolder.Place.git) ?? .folder(dir ?? JobFileFinder.defaultFolder),
            sourceName: sourceName)
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
    @Option(help: "The monitor's database, written directly: its SQLite file, or a postgres:// URL.")
    var db: String?

    @Option(help: "A running monitor's URL, such as http://127.0.0.1:8000 (or CRONICLE_SERVER).")
    var server: String?

    @Option(help: "The monitor's API token, for --server (or CRONICLE_API_TOKEN).")
    var token: String?

    @Flag(
        name: .customLong("init"),
        help: "With --db, create the database when the file does not exist yet (apply and watch only).")
    var initialize = false

    func validate() throws {
        if db != nil && server != nil { throw ValidationError("give --db or --server, not both") }
        if initialize && db == nil {
            throw ValidationError("--init creates a database file, so it goes with --db FILE; a server made its own")
        }
    }

    /// Refuses `--init` for `plan` and `status`.
    func validateReadOnly() throws {
        if initialize {
            throw ValidationError("--init is for apply and watch; plan and status never create or change a database")
        }
    }

    /// The monitor to plan or apply against. `plan` and `status` open a database file
    /// read-only; `apply` and `watch` write it. Only `--init` creates a missing one.
    func target(writing: Bool) async throws -> any SyncTarget {
        let environment = ProcessInfo.processInfo.environment
        if let db {
            return try await StoreOpener.open(db, mode: writing ? (initialize ? .create : .existing) : .readOnly)
        }
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

    @Flag(help: "Delete every job of the source, or more than half of them (when it has more than ten).")
    var allowMassDelete = false

    @Flag(help: "Apply a source that defines no job (deleting all of its jobs).")
    var allowEmpty = false

    var options: SyncOptions {
        SyncOptions(prune: !noPrune, adopt: adopt, allowMassDelete: allowMassDelete, allowEmpty: allowEmpty)
    }
}

enum SyncOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `plan` also writes a pull-request comment.
enum PlanOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}
