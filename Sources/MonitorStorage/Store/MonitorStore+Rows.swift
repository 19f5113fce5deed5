import Config
import Foundation
import GRDB
import GRDBSQLite
import MonitorDomain
import NIOCore

/// Decoding of the three tables' rows into domain values, and the JSON columns.
extension MonitorStore {
    /// The columns ``job(from:)`` reads, in its order: reading by index, not by name,
    /// keeps loading 20,000 jobs for a sync plan to a few tens of milliseconds.
    static let jobColumns = """
        job_id, description, schedule, timezone, tolerance_seconds, max_runtime_seconds, is_health_check, tags, \
        paused, managed_by, source_repository, source_file, source_line, source_commit, created_at, updated_at, \
        watched_since, notify, every_seconds, expect, watch_from, ping_uuid, source_id, min_runtime_seconds, \
        failure_threshold, labels, paused_at, paused_by, pause_reason, snoozed_until, snoozed_by, snooze_reason, \
        min_runtime_seconds IS NOT NULL OR failure_threshold <> 1 OR labels <> '{}' OR paused_at IS NOT NULL \
        OR snoozed_until IS NOT NULL
        """

    /// `SELECT` of every job column, then `clause` (`WHERE ...`, `ORDER BY ...`).
    static func selectJobs(_ clause: String = "") -> String {
        "SELECT \(jobColumns) FROM job_configs \(clause)"
    }

    /// A job from a row of ``selectJobs(_:)``.
    static func job(from row: Row) throws -> Job {
        let tagsText: String = row[7]
        var definition = JobDefinition(
            jobID: row[0], description: row[1], schedule: row[2], timezone: row[3],
            tolerance: JobDuration(seconds: row[4]), maxRuntime: (row[5] as Int?).map { JobDuration(seconds: $0) },
            isHealthCheck: row[6], tags: tagsText == "[]" ? [] : try decodeTags(tagsText),
            paused: row[8])
        let notifyText: String = row[17]
        if notifyText != "[]" { definition.notify = try decodeTags(notifyText) }
        definition.every = (row[18] as Int?).map { JobDuration(seconds: $0) }
        definition.expect = JobDefinition.Expect(rawValue: row[19]) ?? .start
        definition.watchFrom = JobDefinition.WatchFrom(rawValue: row[20]) ?? .creation
        definition.pingUUID = row[21]
        let source: Job.Origin? = (row[11] as String?).map { file in
            Job.Origin(identity: row[22], repository: row[10], file: file, line: row[12] ?? 1, commit: row[13])
        }
        // Most jobs set none of the policy and operator columns: one flag says whether to
        // read them, since each column read costs on a list of 10,000 jobs.
        let hasPolicy: Bool = row[32]
        if hasPolicy {
            definition.minRuntime = (row[23] as Int?).map { JobDuration(seconds: $0) }
            definition.failureThreshold = row[24]
            let labelsText: String = row[25]
            if labelsText != "{}" { definition.labels = try decodeLabels(labelsText) }
        }
        definition.location = source.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        var job = Job(
            definition: definition, managedBy: Job.ManagedBy(rawValue: row[9]) ?? .api, origin: source,
            createdAt: date(row, 14), updatedAt: date(row, 15), watchedSince: date(row, 16))
        if hasPolicy, row[26] as String? != nil {
            job.operatorPause = Job.OperatorPause(at: date(row, 26), by: row[27] ?? "", reason: row[28])
        }
        if hasPolicy, row[29] as String? != nil {
            job.snooze = Job.Snooze(until: date(row, 29), by: row[30] ?? "", reason: row[31])
        }
        return job
    }

    /// A job's `labels` column, a JSON object of strings.
    static func decodeLabels(_ text: String) throws -> [String: String] {
        guard let labels = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw MonitorError(.internalError, "a job's labels column is not an object of strings: \(text)")
        }
        return labels
    }

    /// A date column as the store writes it, parsed by ``Timestamp/fromDatabaseText(_:)``;
    /// GRDB's general decoding for any other form.
    static func date(_ row: Row, _ index: Int) -> Date {
        if let text = row[index] as String?, let date = Timestamp.fromDatabaseText(text) { return date }
        return row[index]
    }

    /// A date column by name, read as ``date(_:_:)`` reads it.
    static func date(_ row: Row, _ column: String) -> Date {
        if let text = row[column] as String?, let date = Timestamp.fromDatabaseText(text) { return date }
        return row[column]
    }

    /// An optional date column, by position, read as ``date(_:_:)`` reads it. Given the
    /// statement `row` comes from (a cursor's), the store's own form is parsed from
    /// SQLite's buffer, without making a string: reading every job's dates at once (the
    /// job list, `GET /metrics`) parses some 70,000 of them. `statement` must be at `row`:
    /// only a cursor's current row, never a copied or fetched-all one.
    static func optionalDate(_ row: Row, _ index: Int, in statement: Statement? = nil) -> Date? {
        if let handle = statement?.sqliteStatement, sqlite3_column_type(handle, Int32(index)) == SQLITE_TEXT,
            let text = sqlite3_column_text(handle, Int32(index)),
            let date = Timestamp.fromDatabaseText(
                UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, Int32(index)))))
        {
            return date
        }
        guard let text = row[index] as String? else { return row[index] as Date? }
        return Timestamp.fromDatabaseText(text) ?? row[index]
    }

    /// An optional date column, by name, read as ``date(_:_:)`` reads it.
    static func optionalDate(_ row: Row, _ column: String) -> Date? {
        guard let text = row[column] as String? else { return row[column] as Date? }
        return Timestamp.fromDatabaseText(text) ?? row[column]
    }

    static func run(from row: Row) throws -> JobRun {
        JobRun(
            runID: row["run_id"], jobID: row["job_id"], status: JobRun.Status(rawValue: row["status"]) ?? .failed,
            startTime: optionalDate(row, "start_time"), endTime: optionalDate(row, "end_time"),
            exitCode: row["exit_code"], message: row["message"],
            clientInfo: try decodeCompactJSON(row["client_info"]), remoteAddress: row["remote_addr"],
            userAgent: row["user_agent"])
    }

    /// The columns ``run(from:at:)`` reads, of the runs table named `table` in a query.
    static func runColumns(of table: String) -> String {
        [
            "run_id", "job_id", "status", "start_time", "end_time", "exit_code", "message", "client_info",
            "remote_addr",
            "user_agent",
        ].map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// A run from the ten columns of ``runColumns(of:)`` starting at `offset`: by position,
    /// for queries that read a run beside other columns (a job list's newest runs).
    static func run(from row: Row, at offset: Int, in statement: Statement? = nil) throws -> JobRun {
        JobRun(
            runID: row[offset], jobID: row[offset + 1],
            status: JobRun.Status(rawValue: row[offset + 2]) ?? .failed,
            startTime: optionalDate(row, offset + 3, in: statement),
            endTime: optionalDate(row, offset + 4, in: statement),
            exitCode: row[offset + 5], message: row[offset + 6],
            clientInfo: try decodeCompactJSON(row[offset + 7]), remoteAddress: row[offset + 8],
            userAgent: row[offset + 9])
    }

    static func alert(from row: Row) -> JobAlert {
        JobAlert(
            id: row["id"], jobID: row["job_id"], channel: row["channel"],
            kind: JobAlert.Kind(rawValue: row["type"]) ?? .failed,
            createdAt: date(row, "created_at"), fireTime: optionalDate(row, "fire_time"),
            lastFireTime: optionalDate(row, "last_fire_time"), runID: row["run_id"], lastRunID: row["last_run_id"],
            missedCount: row["missed_count"], failureCount: row["failure_count"],
            acknowledgedAt: optionalDate(row, "acknowledged_at"), resolvedAt: optionalDate(row, "resolved_at"),
            silenced: row["silenced"])
    }

    static func encodeJSON<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A job's `tags` or `notify` column, a JSON array of strings. `JSONSerialization`
    /// reads it in half the time a new `JSONDecoder` takes, which counts when a page
    /// reads 10,000 jobs.
    static func decodeTags(_ text: String) throws -> [String] {
        guard let tags = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else {
            throw MonitorError(.internalError, "a job's list column is not a list of strings: \(text)")
        }
        return tags
    }

    /// A run's `client_info` (or an audit entry's values) as stored: compact JSON with each
    /// number's digits as sent.
    static func encodeCompactJSON(_ value: JSONValue) -> String {
        var json = JSONWriter()
        json.value(value)
        return String(buffer: json.buffer)
    }

    /// A run's stored `client_info` (or an audit entry's values), read with the same strict,
    /// linear parser as request bodies.
    static func decodeCompactJSON(_ text: String?, column: String = "a run's client_info") throws -> JSONValue? {
        guard let text else { return nil }
        do {
            return try JSONValue(parsing: text.utf8)
        } catch {
            throw MonitorError(.internalError, "\(column) as stored is not JSON: \(error.message)")
        }
    }
}
