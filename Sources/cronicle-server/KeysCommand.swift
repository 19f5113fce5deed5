import ArgumentParser
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import SyncClient

/// `cronicle keys create|list|revoke`: against the monitor's database (`--db`), or a
/// running monitor with an admin key (`--server`, `--token`).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, list and revoke the keys that guard the monitor.",
        discussion: """
            As soon as one key exists, every request needs a key of the right scope, except pings through a \
            job's secret ping URL and badges. read: every GET, the dashboard, /sync/plan. ping: runs of the \
            jobs the key covers (--jobs, --tags). write: jobs, pauses, snoozes, acknowledgements. sync: \
            /sync/apply and /sync/plan. admin: everything, keys included.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    /// Where the keys are: a database file, or a server.
    struct Target: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "The monitor's database, changed directly: its SQLite file, or a postgres:// URL.", valueName: "db"))
        var db: String?

        @OptionGroup var monitor: MonitorOptions

        /// Runs `local` against `--db`, else `remote` against the server; prints a failure as told.
        func perform<T>(
            local: (MonitorStore, ChangeAuthor) async throws -> T, remote: (MonitorServerClient) async throws -> T
        ) async throws -> T {
            do {
                guard let db else { return try await remote(try monitor.client()) }
                guard StoreOpener.isServer(db) || FileManager.default.fileExists(atPath: db) else {
                    throw MonitorError(
                        .notFound,
                        "no database at \(db); give the path of the monitor's database (cronicle serve --db), "
                            + "or use --server with an admin key")
                }
                let store = try await StoreOpener.open(db, mode: .existing)
                defer { try? store.close() }
                return try await local(store, ChangeAuthor(MonitorOptions.actor, via: .cli))
            } catch let error as MonitorError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(1)
            } catch let failure as MonitorServerClient.Failure {
                FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key; its secret is printed once, on standard output, and kept only as a hash.")

        @Argument(help: "A name for the key, unique for ever: ci-deploy, grafana, billing-pings.")
        var name: String

        @Option(help: ArgumentHelp("read, ping, write, sync or admin.", valueName: "scope"))
        var scope: String

        @Option(
            name: .customLong("jobs"), parsing: .singleValue,
            help: ArgumentHelp("A ping key's job id glob (billing_*); repeat for more.", valueName: "glob"))
        var jobs: [String] = []

        @Option(
            name: .customLong("tags"), parsing: .singleValue,
            help: ArgumentHelp("A ping key's tag: jobs with it; repeat for more.", valueName: "tag"))
        var tags: [String] = []

        @OptionGroup var target: Target

        func run() async throws {
            let (description, secret) = try await target.perform(
                local: { store, author in
                    let (key, secret) = try await store.createKey(
                        name: name, scope: try AccessScope.parse(scope), jobs: jobs, tags: tags, by: author)
                    return (KeysCommand.line(key.name, key.scope.rawValue, key.coverage), secret)
                },
                remote: { client in
                    let key = try await client.createKey(name: name, scope: scope, jobs: jobs, tags: tags)
                    return (KeysCommand.line(key.name, key.scope, ""), key.secret ?? "")
                })
            FileHandle.standardError.write(
                Data("Made key \(description). Its secret, shown this once (the monitor keeps only its hash):\n".utf8))
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every key made, revoked ones too.")

        @OptionGroup var target: Target

        func run() async throws {
            let rows = try await target.perform(
                local: { store, _ in
                    try await store.keys().map { key in
                        [
                            key.name, key.scope.rawValue, key.coverage.isEmpty ? "-" : key.coverage, key.hint,
                            Timestamp.string(from: key.createdAt), key.createdBy,
                            key.revokedAt.map { "revoked " + Timestamp.string(from: $0) } ?? "active",
                        ]
                    }
                },
                remote: { client in
                    try await client.keys().map { key in
                        let coverage = (key.jobs.map { "jobs \($0)" } + key.tags.map { "tag \($0)" })
                            .joined(separator: ", ")
                        return [
                            key.name, key.scope,
                            coverage.isEmpty ? (key.scope == "ping" ? "every job" : "-") : coverage,
                            key.hint, key.createdAt, key.createdBy, key.revokedAt.map { "revoked " + $0 } ?? "active",
                        ]
                    }
                })
            guard !rows.isEmpty else {
                print(
                    "No keys yet: reads and pings are open. `cronicle keys create NAME --scope admin` makes the first.")
                return
            }
            let header = ["NAME", "SCOPE", "COVERS", "KEY", "CREATED", "BY", "STATE"]
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for row in [header] + rows {
                print(
                    row.enumerated().map { column, text in
                        column == row.count - 1
                            ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    }.joined(separator: "  "))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key at once; its dashboard sessions end with it.")

        @Argument(help: "The key's name.")
        var name: String

        @OptionGroup var target: Target

        func run() async throws {
            try await target.perform(
                local: { store, author in _ = try await store.revokeKey(name, by: author) },
                remote: { client in _ = try await client.revokeKey(name: name) })
            print("Revoked key '\(name)'.")
        }
    }

    static func line(_ name: String, _ scope: String, _ coverage: String) -> String {
        "'\(name)' (\(scope) scope\(coverage.isEmpty ? "" : ", \(coverage)"))"
    }
}
