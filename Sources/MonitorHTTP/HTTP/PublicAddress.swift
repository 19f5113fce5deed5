import Hummingbird

/// The monitor's address as clients reach it, for the ping URLs the API and the pages
/// show: `--public-url`, else the scheme-less `Host` the request came with (which
/// ``HostGuard`` has checked), as `http://`.
enum PublicAddress {
    static func base(publicURL: String?, request: Request) -> String? {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        return request.head.authority.map { "http://\($0)" }
    }
}
