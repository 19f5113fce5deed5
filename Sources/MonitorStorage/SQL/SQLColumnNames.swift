/// The column names of one result, shared by all its rows, so that a row read by name
/// costs one dictionary lookup and no copy of the names. Names compare without case, as
/// SQLite's do (PostgreSQL folds an unquoted alias to lower case, SQLite keeps it).
package final class SQLColumnNames: Sendable {
    package let names: [String]
    private let indexes: [String: Int]

    package init(_ names: [String]) {
        self.names = names
        var indexes: [String: Int] = [:]
        // The first of two equal names wins, as SQLite's and GRDB's lookups do.
        for (index, name) in names.enumerated().reversed() { indexes[name.lowercased()] = index }
        self.indexes = indexes
    }

    /// The index of the column `name`, compared without case.
    package func index(of name: String) -> Int? { indexes[name] ?? indexes[name.lowercased()] }
}
