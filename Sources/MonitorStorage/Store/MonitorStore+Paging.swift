import MonitorDomain

/// A `WHERE` clause assembled from optional filters, with its arguments.
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var arguments: [SQLValue] = []

    mutating func add(_ condition: String, _ values: SQLValue...) {
        conditions.append(condition)
        arguments += values
    }

    var clause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
}

extension MonitorStore {
    /// One page of `table`'s rows that pass `filter`, newest (highest id) first, and their total.
    static func fetchPage<Item: Sendable>(
        _ session: any SQLSession, table: String, filter: SQLFilter, page: PageRequest,
        decode: (SQLRow) throws -> Item
    ) throws -> Page<Item> {
        let total = try session.fetchOne("SELECT COUNT(*) FROM \(table)" + filter.clause, filter.arguments)?.int(0)
        let rows = try session.fetchAll(
            "SELECT * FROM \(table)" + filter.clause + " ORDER BY id DESC LIMIT ? OFFSET ?",
            filter.arguments + [.integer(page.perPage), .integer(page.offset)])
        return Page(items: try rows.map(decode), page: page, total: total ?? 0)
    }
}
