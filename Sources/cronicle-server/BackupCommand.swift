import ArgumentParser
import Foundation
import MonitorDomain
import MonitorStorage

/// `cronicle backup`: a consistent copy of a live database, through SQLite's online backup.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a monitor's database consistently, even while a server writes to it.",
        discussion: """
            The copy holds everything committed when the backup began (every ping answered before then) \
            and passes PRAGMA integrity_check before it is put in place. To restore: stop the server, \
            replace its database file with the copy (and delete any -wal and -shm files beside the old one), \
            start the server. See docs/operations.md.
            """)

    @Option(help: ArgumentHelp("The monitor's database. Default: $CRONICLE_DB, else ./cronicle.db", valueName: "file"))
    var db: String?

    @Option(help: ArgumentHelp("Where to write the copy; must not exist unless --force.", valueName: "file"))
    var to: String

    @Flag(help: "Replace --to if it exists.")
    var force = false

    func run() throws {
        let source = db ?? ProcessInfo.processInfo.environment["CRONICLE_DB"] ?? "./cronicle.db"
        let started = Date()
        let backup: DatabaseBackup
        do {
            backup = try DatabaseBackup.copy(from: source, to: to, overwrite: force)
        } catch let error as MonitorError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(
                Data("error: the backup of \(source) failed: \(MonitorStore.describe(error))\n".utf8))
            throw ExitCode(1)
        }
        let megabytes = String(format: "%.1f", Double(backup.bytes) / 1_000_000)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print(
            """
            Copied \(source) to \(to) in \(seconds) s: \(backup.bytes) bytes (\(megabytes) MB), \
            \(backup.jobs) job_configs, \(backup.runs) job_runs, \(backup.alerts) job_alerts; \
            integrity check ok\(backup.schema.map { "; schema \($0)" } ?? "").
            """)
    }
}
