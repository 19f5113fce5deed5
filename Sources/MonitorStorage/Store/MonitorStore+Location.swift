import Foundation
import MonitorDomain

extension MonitorStore {
    /// Refuses a database server's address where a SQLite file is needed (the file store,
    /// `cronicle backup`): SQLite would take `postgres://...` for a relative path, fail to
    /// open it, and echo its password in the error. The password is left out of the
    /// message. `StoreOpener` sends PostgreSQL addresses to the PostgreSQL store first.
    static func requireFilePath(_ path: String) throws {
        guard let scheme = path.range(of: "://").map({ path[..<$0.lowerBound].lowercased() }),
            !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) })
        else { return }
        let shown = DatabaseAddress.withoutPassword(path)
        let what =
            scheme.hasPrefix("postgres")
            ? "a PostgreSQL address, where this needs a SQLite file (a PostgreSQL database is copied "
                + "with pg_dump)"
            : "an address, not a file path"
        throw MonitorError(
            .invalidRequest, "--db \(shown) is \(what); give the path of a database file, such as ./cronicle.db")
    }
}
