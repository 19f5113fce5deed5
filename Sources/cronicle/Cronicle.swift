import ArgumentParser
import Monitor

/// `cronicle`: the monitor's executable. Its `serve` command and the client helpers
/// are wired here as the Monitor library grows them.
@main
struct Cronicle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle",
        abstract: "Cronicle job monitor.",
        version: CronicleVersion.current)
}
