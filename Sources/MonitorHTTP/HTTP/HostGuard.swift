import HTTPTypes
import Hummingbird
import MonitorDomain
import MonitorEngine
import MonitorStorage

/// Refuses requests addressed to a name this monitor was not told it has, which is how
/// DNS rebinding is stopped.
///
/// A web page at `http://attacker.example` can make its own name resolve to 127.0.0.1;
/// the browser then treats the monitor as that page's own origin, and the page may read
/// every answer and change anything a token-less monitor allows. Such requests carry
/// the attacker's name in `Host`. The monitor answers only to:
///
/// - `localhost` (and names under `.localhost`, which resolve to loopback only),
/// - IP addresses (`127.0.0.1:8000`, `[::1]:8000`, `192.0.2.7`): rebinding needs a name,
/// - the `--host` it listens on, and every name given with `--allowed-host` (the name
///   a reverse proxy forwards, or `*` to answer to any name).
///
/// Requests without `Host` (HTTP/1.0 tools) pass: browsers always send one.
struct HostGuard<Context: RequestContext>: RouterMiddleware {
    let allowedNames: Set<String>
    let allowsEveryName: Bool

    init(listenHost: String, allowedHosts: [String]) {
        let names = ([listenHost] + allowedHosts).map { $0.lowercased() }
        allowsEveryName = names.contains("*")
        allowedNames = Set(names)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let authority = request.head.authority, let refusal = refusal(authority: authority) {
            throw MonitorError(.forbidden, refusal)
        }
        return try await next(request, context)
    }

    /// Why a request for `authority` (the `Host` header) must be refused, or nil.
    func refusal(authority: String) -> String? {
        if allowsEveryName { return nil }
        let name = Self.hostName(authority).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || Self.isAddress(name) || allowedNames.contains(name) {
            return nil
        }
        return "this monitor does not answer to the name '\(Self.printable(name))': it answers to localhost, "
            + "IP addresses and the names given with --allowed-host. If '\(Self.printable(name))' is this "
            + "server's name (behind a proxy, say), start it with --allowed-host \(Self.printable(name))"
    }

    /// `example.com:8000` → `example.com`; `[::1]:8000` → `::1`.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }

    /// Whether `name` is an IPv4 address in dotted form or an IPv6 address.
    static func isAddress(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil && part.allSatisfy(\.isASCII) }
    }

    /// The name as it may appear in a message: printable ASCII only, 100 characters at most.
    private static func printable(_ name: String) -> String {
        String(
            name.unicodeScalars.prefix(100).map {
                $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?"
            })
    }
}
