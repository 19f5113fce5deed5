import CronicleExec

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
        guard let path = ownPath().flatMap({ ExecutableLookup.sibling(name, of: $0) }) else {
            fail(
                "cronicle: cannot tell which folder cronicle runs from (/proc/self/exe cannot be read, and "
                    + "\(arguments.first ?? "cronicle") is not found on PATH), so cronicle-server cannot be found "
                    + "beside it. Run cronicle-server with the same arguments instead.\n")
        }
        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv(path, cArguments)
        let reason = String(cString: strerror(errno))
        fail(
            "cronicle: cannot run \(path): \(reason). Every command but exec runs in cronicle-server, which "
                + "must be in the same folder as cronicle: install both from the release tarball, or build both "
                + "with `swift build` (`swift build --product cronicle` alone builds only cronicle).\n")
    }

    private static func fail(_ message: String) -> Never {
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(127)
    }

    /// This executable's absolute path, symbolic links resolved (a `cronicle` on PATH is
    /// often a link into the unpacked tarball): `/proc/self/exe`, else the program found as
    /// `execvp` found it and resolved by `realpath`.
    private static func ownPath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let searchPath = getenv("PATH").map { String(cString: $0) }
        guard let argument0 = CommandLine.arguments.first,
            case .success(let found) = ExecutableLookup.resolve(argument0, searchPath: searchPath),
            let real = realpath(found, nil)
        else { return nil }
        defer { free(real) }
        return String(cString: real)
    }
}
