import ArgumentParser
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage

/// `cronicle`: the monitor's executable.
@main
struct Cronicle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle",
        abstract: "Cronicle job monitor.",
        version: CronicleVersion.current,
        subcommands: [
            ServeCommand.self, ExecCommand.self, SnoozeCommand.self, UnsnoozeCommand.self, PauseCommand.self,
            ResumeCommand.self, KeysCommand.self, BackupCommand.self,
        ])
}
