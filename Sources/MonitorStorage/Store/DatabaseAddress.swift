import Foundation

/// What `--db` names when it is a server's address, as messages may show it.
package enum DatabaseAddress {
    /// `address` with its password shown as `***` (`postgres://cronicle:***@db/cronicle`);
    /// everything after the scheme hidden when the address does not parse, since it may
    /// still hold a password; unchanged when it has no `scheme://`.
    package static func withoutPassword(_ address: String) -> String {
        guard let schemeEnd = address.range(of: "://") else { return address }
        if var components = URLComponents(string: address), components.password != nil {
            components.password = "***"
            return components.string ?? "\(address[..<schemeEnd.lowerBound])://..."
        }
        return address.contains("@") ? "\(address[..<schemeEnd.lowerBound])://..." : address
    }
}
