import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// exec's own messages: one line each on stderr, prefixed `cronicle exec:`, never on stdout,
/// which belongs to the command.
public struct ExecConsole: Sendable {
    /// False when exec was started with stderr closed: descriptor 2 may be the runtime's now.
    private let isOpen: Bool

    public init() {
        isOpen = ChildProcess.isOpenFile(STDERR_FILENO)
    }

    /// Writes `cronicle exec: <message>` and a newline to stderr in one write.
    public func say(_ message: String) {
        guard isOpen else { return }
        FileHandle.standardError.write(Data("cronicle exec: \(message)\n".utf8))
    }
}
