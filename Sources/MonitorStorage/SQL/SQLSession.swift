/// One connection inside one transaction, as the store's operations use it: the same
/// synchronous calls whether the database is SQLite (``GRDBSession``) or PostgreSQL, so
/// that each rule of the store is written once.
///
/// Statements use SQLite's placeholders, `?` and `?N`; a driver for another database
/// rewrites them (``PlaceholderRewriter``). Every statement is prepared once per
/// connection and reused, keyed by its text: build texts from constants and
/// ``SQLDialect`` fragments, never from values.
///
/// ```swift
/// try store.write { session in
///     try session.lock(.job(jobID))
///     let row = try session.fetchOne("SELECT paused FROM job_configs WHERE job_id = ?", [.text(jobID)])
/// }
/// ```
package protocol SQLSession {
    var dialect: SQLDialect { get }

    /// Runs a statement and returns how many rows it inserted, changed or deleted.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Every row of a query.
    func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]

    /// The first row of a query, or nil when it has none.
    func fetchOne(_ sql: String, _ arguments: [SQLValue]) throws -> SQLRow?

    /// Each row of a query in turn, without keeping them all (a row is valid only during
    /// its call).
    func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws

    /// Waits for `lock` and holds it until the transaction ends.
    func lock(_ lock: SQLLock) throws

    /// Takes the locks of `jobs` in the order of their keys (``SQLLock/key(ofJob:)``), the
    /// same in every transaction on every node, so that two transactions that each need
    /// several jobs never wait on each other in a circle.
    func lock(jobs: some Sequence<String>) throws

    /// What names the database this session is connected to, the same for every
    /// connection to it, for caches the store's connections share (SQLite: the file's
    /// path; PostgreSQL: host, port and database).
    func databaseName() throws -> String

    /// Takes `lock` when it is free and holds it until the transaction ends; false when
    /// another transaction holds it.
    func tryLock(_ lock: SQLLock) throws -> Bool
}

extension SQLSession {
    /// One statement a job, in key order; a driver may take them in fewer statements.
    package func lock(jobs: some Sequence<String>) throws {
        for (_, job) in Set(jobs).map({ (SQLLock.key(ofJob: $0), $0) }).sorted(by: { $0.0 < $1.0 }) {
            try lock(.job(job))
        }
    }

    @discardableResult
    package func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    package func fetchAll(_ sql: String) throws -> [SQLRow] { try fetchAll(sql, []) }
    package func fetchOne(_ sql: String) throws -> SQLRow? { try fetchOne(sql, []) }
}
