import MonitorDomain

/// A statement's failure inside a lane: the error the store reports, and whether the
/// connection can go on (after a `ROLLBACK`) or must be opened again.
struct PostgresStatementError: Error {
    let error: MonitorError
    let connectionSurvives: Bool
}
