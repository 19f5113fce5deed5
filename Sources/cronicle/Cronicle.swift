import ArgumentParser
import Monitor

/// `cronicle`: the monitor's executable.
@main
struct Cronicle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle",
        abstract: "Cronicle job monitor.",
        version: CronicleVersion.current,
        subcommands: [ServeCommand.self])
}
