import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who sent a ping and how the run went, sent as the `Cronicle-Client-Info` header: one JSON
/// object in pure ASCII (other characters escaped as `\uXXXX`), since header values are bytes
/// that proxies may mangle beyond ASCII.
///
/// ```swift
/// var info = ClientInfo.current(argv0: "backup", version: "1.0")
/// info.exitStatus = 3
/// request.headers["Cronicle-Client-Info"] = info.headerValue
/// ```
public struct ClientInfo: Sendable, Equatable {
    public var hostname: String
    /// `uname` sysname and release, such as `Linux 6.1.0-18-amd64`.
    public var os: String
    public var user: String
    public var pid: Int32
    /// The command as given, its first word.
    public var argv0: String
    public var version: String

    /// The end ping's fields; nil (left out) on the start ping.
    public var durationSeconds: Double?
    public var exitStatus: Int32?
    /// The signal that ended the command, when one did.
    public var signal: Int32?
    /// True when `--timeout` ended the command.
    public var timedOut = false
    public var startedAt: Date?
    public var endedAt: Date?
    /// True when the ping is sent from the spool, after the run that made it.
    public var spooled = false

    public init(hostname: String, os: String, user: String, pid: Int32, argv0: String, version: String) {
        self.hostname = hostname
        self.os = os
        self.user = user
        self.pid = pid
        self.argv0 = argv0
        self.version = version
    }

    /// This process's host, system, user and pid.
    public static func current(argv0: String, version: String) -> ClientInfo {
        var name = [UInt8](repeating: 0, count: 256)
        let hostname =
            gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : "unknown"
        var system = utsname()
        uname(&system)
        let sysname = withUnsafeBytes(of: &system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let user =
            getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
            ?? ProcessInfo.processInfo.environment["USER"] ?? String(geteuid())
        return ClientInfo(
            hostname: hostname, os: "\(sysname) \(release)", user: user, pid: getpid(), argv0: argv0,
            version: version)
    }

    /// The header's value: a JSON object with keys in a fixed order, ASCII only.
    public var headerValue: String {
        var fields: [(String, String)] = [
            ("hostname", Self.string(hostname)), ("os", Self.string(os)), ("user", Self.string(user)),
            ("pid", String(pid)), ("argv0", Self.string(argv0)), ("version", Self.string(version)),
        ]
        if let durationSeconds { fields.append(("duration_seconds", Self.number(durationSeconds))) }
        if let exitStatus { fields.append(("exit_status", String(exitStatus))) }
        if let signal { fields.append(("signal", String(signal))) }
        if timedOut { fields.append(("timed_out", "true")) }
        if let startedAt { fields.append(("started_at", Self.string(Self.timestamp(startedAt)))) }
        if let endedAt { fields.append(("ended_at", Self.string(Self.timestamp(endedAt)))) }
        if spooled { fields.append(("spooled", "true")) }
        return "{" + fields.map { "\(Self.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// ISO 8601 in UTC with milliseconds: `2026-11-30T06:13:51.123Z`.
    ///
    /// Written by hand, as are the numbers below: exec runs once per job, and Foundation's
    /// formatters cost a millisecond or more the first time they are used.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded(.down))
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let fraction = Int(milliseconds - Int64(seconds) * 1_000)
        return
            "\(padded(Int(parts.tm_year) + 1_900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2))"
            + "T\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2))"
            + ".\(padded(fraction, 3))Z"
    }

    /// Seconds with three decimals: `812.337`.
    private static func number(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.000" }
        let milliseconds = Int64((value * 1_000).rounded())
        return "\(milliseconds / 1_000).\(padded(Int(milliseconds % 1_000), 3))"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        padded(String(value), width)
    }

    private static func padded(_ digits: String, _ width: Int) -> String {
        digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A JSON string literal in ASCII: quotes, backslashes, controls and every non-ASCII
    /// character escaped, outside the Basic Multilingual Plane as a surrogate pair.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case " "..."~": result.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { result += "\\u" + padded(String(unit, radix: 16), 4) }
            }
        }
        return result + "\""
    }
}
