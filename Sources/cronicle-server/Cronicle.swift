import ArgumentParser
import CronicleBuildInfo
import CronicleExec
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage

/// `cronicle-server`: every `cronicle` command. The small `cronicle` executable runs `exec`
/// itself and hands every other command to this one (Sources/cronicle).
@main
struct Cronicle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle",
        abstract: "Cronicle job monitor.",
        version: CronicleVersion.current,
        subcommands: [
            ServeCommand.self, ExecCommand.self, SnoozeCommand.self, UnsnoozeCommand.self, PauseCommand.self,
            ResumeCommand.self, KeysCommand.self, BackupCommand.self, MigrateCommand.self,
        ])
}
