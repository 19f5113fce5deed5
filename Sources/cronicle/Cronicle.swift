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
