import ArgumentParser
import CronicleBuildInfo
import Foundation
import MonitorDomain
import MonitorStorage
import SyncClient

@main
struct CronicleSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cronicle-sync",
        abstract: "Job definitions as code: lint them, plan and apply them to the Cronicle monitor.",
        version: CronicleVersion.current,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, WatchCommand.self, StatusCommand.self,
            CronCommand.self,
        ])

    /// Like ArgumentParser's, except that `validate` reports usage errors with exit
    /// code 2, as linters do, so CI can tell "your files are wrong" (1) from "the
    /// command line is wrong" (2).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure, CommandLine.arguments.dropFirst().first == "validate" {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
