import ArgumentParser
import Foundation
import MonitorDomain

/// Where every command of `cronicle-sync` writes: results to standard output, coloured
/// only on a terminal without `NO_COLOR`, and failures to standard error as `error: ...`.
enum Terminal {
    static var colored: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `error: <what went wrong>` on standard error: a monitor's error by its message
    /// alone (its code is for programs), anything else as it describes itself.
    static func error(_ error: any Error) {
        let text = (error as? MonitorError)?.message ?? "\(error)"
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    }

    /// Runs `body`; a failure that is not a usage error is printed as `error: ...` and exits 1.
    static func failing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ValidationError {
            throw error
        } catch {
            Self.error(error)
            throw ExitCode(1)
        }
    }
}
