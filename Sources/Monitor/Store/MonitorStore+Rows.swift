import Config
import Foundation
import GRDB

/// Decoding of the three tables' rows into domain values, and the JSON columns.
extension MonitorStore {
    static func job(from row: Row) throws -> Job {
        var definition = JobDefinition(
            jobID: row["job_id"], description: row["description"], schedule: row["schedule"],
            timezone: row["timezone"], tolerance: JobDuration(seconds: row["tolerance_seconds"]),
            maxRuntime: (row["max_runtime_seconds"] as Int?).map { JobDuration(seconds: $0) },
            isHealthCheck: row["is_health_check"], tags: try decodeJSON([String].self, row["tags"]) ?? [],
            paused: row["paused"])
        let source: Job.Source? = (row["source_file"] as String?).map { file in
            Job.Source(
                repository: row["source_repository"], file: file, line: row["source_line"] ?? 1,
                commit: row["source_commit"])
        }
        definition.location = source.map { SourceLocation(file: $0.file, line: $0.line, column: 1) }
        return Job(
            definition: definition, managedBy: Job.ManagedBy(rawValue: row["managed_by"]) ?? .api, source: source,
            createdAt: row["created_at"], updatedAt: row["updated_at"], watchedSince: row["watched_since"])
    }

    static func run(from row: Row) throws -> JobRun {
        JobRun(
            runID: row["run_id"], jobID: row["job_id"], status: JobRun.Status(rawValue: row["status"]) ?? .failed,
            startTime: row["start_time"], endTime: row["end_time"], exitCode: row["exit_code"], message: row["message"],
            clientInfo: try decodeJSON(JSONValue.self, row["client_info"]), remoteAddress: row["remote_addr"],
            userAgent: row["user_agent"])
    }

    static func alert(from row: Row) -> JobAlert {
        JobAlert(
            id: row["id"], jobID: row["job_id"], kind: JobAlert.Kind(rawValue: row["type"]) ?? .failed,
            createdAt: row["created_at"], fireTime: row["fire_time"], lastFireTime: row["last_fire_time"],
            runID: row["run_id"], lastRunID: row["last_run_id"], missedCount: row["missed_count"],
            failureCount: row["failure_count"], acknowledgedAt: row["acknowledged_at"], resolvedAt: row["resolved_at"])
    }

    static func encodeJSON<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
