import GRDB
import MonitorDomain

/// A `WHERE` clause assembled from optional filters, with its arguments.
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var arguments: StatementArguments = []

    mutating func add(_ condition: String, _ values: (any DatabaseValueConvertible)...) {
        conditions.append(condition)
        arguments += StatementArguments(values)
    }

    var clause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
}

extension MonitorStore {
    /// One page of `table`'s rows that pass `filter`, newest (highest id) first, and their total.
    static func fetchPage<Item: Sendable>(
        _ db: Database, table: String, filter: SQLFilter, page: PageRequest, decode: (Row) throws -> Item
    ) throws -> Page<Item> {
        let total = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM \(table)" + filter.clause, arguments: filter.arguments)
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM \(table)" + filter.clause + " ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: filter.arguments + [page.perPage, page.offset])
        return Page(items: try rows.map(decode), page: page, total: total ?? 0)
    }
}
