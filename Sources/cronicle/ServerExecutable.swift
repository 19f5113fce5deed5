#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cronicle-server`, the executable with the monitor and the operator commands.
///
/// `cronicle` replaces itself with it (`execv`: same process id, signals, standard streams
/// and environment), so `cronicle serve` behaves exactly as if one binary held everything.
enum ServerExecutable {
    static let name = "cronicle-server"

    /// Never returns: either `cronicle-server` runs in this process, or the reason it cannot
    /// is printed and `cronicle` exits with status 127, as a shell does for a missing command.
    static func replaceProcess(arguments: [String]) -> Never {
        let path = sibling()
        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv(path, cArguments)
        let reason = String(cString: strerror(errno))
        let message =
            "cronicle: cannot run \(path): \(reason). Every command but exec runs in cronicle-server, which "
            + "must be in the same folder as cronicle: install both from the release tarball, or build both "
            + "with `swift build` (`swift build --product cronicle` alone builds only cronicle).\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(127)
    }

    /// The path of `cronicle-server` in the folder of this executable, symbolic links
    /// resolved (a `cronicle` on PATH is often a link to the unpacked tarball).
    private static func sibling() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        #if os(Linux)
            let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            let executable =
                length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        #else
            let executable = realpath(CommandLine.arguments[0], &buffer).map { String(cString: $0) } ?? ""
        #endif
        guard let slash = executable.lastIndex(of: "/") else { return name }
        return String(executable[...slash]) + name
    }
}
