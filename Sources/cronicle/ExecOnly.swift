import ArgumentParser
import CronicleExec

/// `cronicle` with `exec` alone, so that exec's usage and errors read as they do in
/// `cronicle-server` (`See 'cronicle exec --help'`).
struct ExecOnly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cronicle", subcommands: [ExecCommand.self])
}
