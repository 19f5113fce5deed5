import ArgumentParser
import CronicleExec

/// `cronicle`: runs `cronicle exec` itself, and every other command through
/// `cronicle-server`, which it finds beside itself (``ServerExecutable``). Kept small so
/// that exec adds milliseconds, not tens of them, to every job it wraps (docs/performance.md).
@main
enum Cronicle {
    static func main() async {
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == "exec" {
            await ExecOnly.main()
        } else {
            ServerExecutable.replaceProcess(arguments: arguments)
        }
    }
}

/// `cronicle` with `exec` alone, so that exec's usage and errors read as they do in
/// `cronicle-server` (`See 'cronicle exec --help'`).
struct ExecOnly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cronicle", subcommands: [ExecCommand.self])
}
