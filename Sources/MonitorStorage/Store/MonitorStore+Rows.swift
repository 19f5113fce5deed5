import Config
import Foundation
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
    static func job(from row: SQLRow) throws -> Job {
        let tagsText = try row.text(7)
        var definition = JobDefinition(
            jobID: try row.text(0), description: try row.optionalText(1), schedule: try row.optionalText(2),
            timezone: try row.text(3), tolerance: JobDuration(seconds: try row.int(4)),
            maxRuntime: try row.optionalInt(5).map { JobDuration(seconds: $0) }, isHealthCheck: try row.bool(6),
            tags: tagsText == "[]" ? [] : try decodeTags(tagsText), paused: try row.bool(8))
        let notifyText = try row.text(17)
        if notifyText != "[]" { definition.notify = try decodeTags(notifyText) }
        definition.every = try row.optionalInt(18).map { JobDuration(seconds: $0) }
        definition.expect = JobDefinition.Expect(rawValue: try row.text(19)) ?? .start
        definition.watchFrom = JobDefinition.WatchFrom(rawValue: try row.text(20)) ?? .creation
        definition.pingUUID = try row.optionalText(21)
        let source: Job.Origin? = try row.optionalText(11).map { file in
            Job.Origin(
                identity: try row.optionalText(22), repository: try row.optionalText(10), file: file,
                line: try row.optionalInt(12) ?? 1, commit: try row.optionalText(13))
        }
        // Most jobs set none of the policy and operator columns: one flag says whether to
        // read them, since each column read costs on a list of 10,000 jobs.
        let hasPolicy = try row.bool(32)
        if hasPolicy {
            definition.minRuntime = try row.optionalInt(23).map { JobDuration(seconds: $0) }
            definition.failureThreshold = try row.int(24)
            let labelsText = try row.text(25)
            if labelsText != "{}" { definition.labels = try decodeLabels(labelsText) }
        }
        definition.location = source.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        var job = Job(
            definition: definition, managedBy: Job.ManagedBy(rawValue: try row.text(9)) ?? .api, origin: source,
            createdAt: try row.date(14), updatedAt: try row.date(15), watchedSince: try row.date(16))
        if hasPolicy, let pausedAt = try row.optionalDate(26) {
            job.operatorPause = Job.OperatorPause(
                at: pausedAt, by: try row.optionalText(27) ?? "", reason: try row.optionalText(28))
        }
        if hasPolicy, let snoozedUntil = try row.optionalDate(29) {
            job.snooze = Job.Snooze(
                until: snoozedUntil, by: try row.optionalText(30) ?? "", reason: try row.optionalText(31))
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

    /// A run from a row of the runs table's own columns, read by name.
    static func run(from row: SQLRow) throws -> JobRun {
        JobRun(
            runID: try row.text("run_id"), jobID: try row.text("job_id"),
            status: JobRun.Status(rawValue: try row.text("status")) ?? .failed,
            startTime: try row.optionalDate("start_time"), endTime: try row.optionalDate("end_time"),
            exitCode: try row.optionalInt("exit_code"), message: try row.optionalText("message"),
            clientInfo: try decodeCompactJSON(try row.optionalText("client_info")),
            remoteAddress: try row.optionalText("remote_addr"), userAgent: try row.optionalText("user_agent"))
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
    static func run(from row: SQLRow, at offset: Int) throws -> JobRun {
        JobRun(
            runID: try row.text(offset), jobID: try row.text(offset + 1),
            status: JobRun.Status(rawValue: try row.text(offset + 2)) ?? .failed,
            startTime: try row.optionalDate(offset + 3), endTime: try row.optionalDate(offset + 4),
            exitCode: try row.optionalInt(offset + 5), message: try row.optionalText(offset + 6),
            clientInfo: try decodeCompactJSON(try row.optionalText(offset + 7)),
            remoteAddress: try row.optionalText(offset + 8), userAgent: try row.optionalText(offset + 9))
    }

    static func alert(from row: SQLRow) throws -> JobAlert {
        JobAlert(
            id: try row.int64("id"), jobID: try row.optionalText("job_id"), channel: try row.optionalText("channel"),
            kind: JobAlert.Kind(rawValue: try row.text("type")) ?? .failed,
            createdAt: try row.date("created_at"), fireTime: try row.optionalDate("fire_time"),
            lastFireTime: try row.optionalDate("last_fire_time"), runID: try row.optionalText("run_id"),
            lastRunID: try row.optionalText("last_run_id"), missedCount: try row.int("missed_count"),
            failureCount: try row.int("failure_count"), acknowledgedAt: try row.optionalDate("acknowledged_at"),
            resolvedAt: try row.optionalDate("resolved_at"), silenced: try row.optionalText("silenced"))
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
