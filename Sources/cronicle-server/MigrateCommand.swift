import ArgumentParser
import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres

/// `cronicle migrate`: a SQLite file's whole history copied into a PostgreSQL database.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a monitor's SQLite database into a new PostgreSQL database.",
        discussion: """
            Everything is copied in one PostgreSQL transaction (jobs with their ownership, runs and their \
            output, alerts, notifications, the sync history, channels, windows, keys, sessions, the audit log), \
            then the rows of each table are counted on both sides: any difference keeps nothing. The PostgreSQL \
            database must exist and hold no Cronicle data; its tables are made first. Stop `cronicle serve` on \
            the file before, and start it with --db set to the URL after. See docs/operations.md.
            """)

    @Option(help: ArgumentHelp("The monitor's SQLite database.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The PostgreSQL database, postgres://user:password@host:port/db.", valueName: "url"))
    var to: String

    func validate() throws {
        guard StoreOpener.isServer(to) else {
            throw ValidationError("--to must be a postgres:// URL, such as postgres://cronicle:secret@db:5432/cronicle")
        }
        guard !StoreOpener.isServer(from) else {
            throw ValidationError("--from must be a SQLite file; it is copied into --to")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cronicle")
        logger.logLevel = .warning
        do {
            // The file first: a mistyped path is said as such, and nothing is made in the target.
            guard FileManager.default.fileExists(atPath: from) else {
                throw MonitorError(.notFound, "no database at \(from); give the monitor's SQLite file with --from")
            }
            let source = try MonitorStore(path: from, mode: .readOnly)
            defer { try? source.close() }
            let target = try await StoreOpener.postgresBackend(to, mode: .create, logger: logger)
            defer { try? target.close() }
            let report = try await StoreCopier.copy(from: source, to: target)
            let width = report.rows.map(\.table.count).max() ?? 0
            for (table, count) in report.rows {
                print("\(table.padding(toLength: width, withPad: " ", startingAt: 0))  \(count)")
            }
            print(
                "Copied \(report.rows.reduce(0) { $0 + $1.count }) rows into \(target.location); every count matches.")
        } catch let error as MonitorError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
