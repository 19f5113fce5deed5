import ArgumentParser
import Monitor

@main
struct CronicleSync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle-sync",
        abstract: "Job definitions as code: lint them, plan and apply them to the Cronicle monitor.",
        version: CronicleVersion.current,
        subcommands: [CronCommand.self])
}
