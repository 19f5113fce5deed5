import MonitorStorage

/// The rewritten text of each statement a lane has run, so that each text is rewritten
/// once. Used on the lane's thread only.
final class RewriteCache {
    private var statements: [String: PlaceholderRewriter.Rewritten] = [:]

    func rewrite(_ sql: String) throws -> PlaceholderRewriter.Rewritten {
        if let statement = statements[sql] { return statement }
        let statement = try PlaceholderRewriter.postgres(sql)
        // The store's texts are constants: a cache that outgrows them means texts are
        // being built from values, which the cache should not keep for ever.
        if statements.count > 4_096 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }
}
