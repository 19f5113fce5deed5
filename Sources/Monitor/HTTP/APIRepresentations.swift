import Config
import Cron
import Foundation

/// The JSON the REST API answers with (DESIGN.md §5), built from domain values.
/// Durations are minutes; timestamps are ``Timestamp`` strings.
struct JobRepresentation: Encodable {
    let jobID: String
    let description: String?
    let schedule: String
    let scheduleDescription: String?
    let timezone: String
    let tolerance: Double
    let maxRuntime: Double?
    let isHealthCheck: Bool
    let tags: [String]
    let paused: Bool
    let managedBy: String
    let source: Job.Source?
    let createdAt: String
    let updatedAt: String

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", description, schedule, scheduleDescription = "schedule_description", timezone, tolerance
        case maxRuntime = "max_runtime", isHealthCheck = "is_health_check", tags, paused, managedBy = "managed_by"
        case source, createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ job: Job) {
        let definition = job.definition
        jobID = definition.jobID
        description = definition.description
        schedule = definition.schedule
        scheduleDescription = try? CronExpression(definition.schedule).explanation
        timezone = definition.timezone
        tolerance = definition.tolerance.minutes
        maxRuntime = definition.maxRuntime?.minutes
        isHealthCheck = definition.isHealthCheck
        tags = definition.tags
        paused = definition.paused
        managedBy = job.managedBy.rawValue
        source = job.source
        createdAt = Timestamp.string(from: job.createdAt)
        updatedAt = Timestamp.string(from: job.updatedAt)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(description, forKey: .description)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(scheduleDescription, forKey: .scheduleDescription)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(maxRuntime, forKey: .maxRuntime)
        try container.encode(isHealthCheck, forKey: .isHealthCheck)
        try container.encode(tags, forKey: .tags)
        try container.encode(paused, forKey: .paused)
        try container.encode(managedBy, forKey: .managedBy)
        try container.encode(source, forKey: .source)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

struct RunRepresentation: Encodable {
    let run: JobRun

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", jobID = "job_id", status, startTime = "start_time", endTime = "end_time", duration
        case exitCode = "exit_code", message, clientInfo = "client_info", remoteAddress = "remote_addr"
        case userAgent = "user_agent"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run.runID, forKey: .runID)
        try container.encode(run.jobID, forKey: .jobID)
        try container.encode(run.status.rawValue, forKey: .status)
        try container.encode(run.startTime.map(Timestamp.string), forKey: .startTime)
        try container.encode(run.endTime.map(Timestamp.string), forKey: .endTime)
        try container.encode(run.duration, forKey: .duration)
        try container.encode(run.exitCode, forKey: .exitCode)
        try container.encode(run.message, forKey: .message)
        try container.encode(run.clientInfo, forKey: .clientInfo)
        try container.encode(run.remoteAddress, forKey: .remoteAddress)
        try container.encode(run.userAgent, forKey: .userAgent)
    }
}

struct AlertRepresentation: Encodable {
    let alert: JobAlert

    enum CodingKeys: String, CodingKey {
        case id, jobID = "job_id", type, createdAt = "created_at", fireTime = "fire_time"
        case lastFireTime = "last_fire_time", runID = "run_id", lastRunID = "last_run_id"
        case missedCount = "missed_count", failureCount = "failure_count", acknowledged
        case acknowledgedAt = "acknowledged_at", resolvedAt = "resolved_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alert.id, forKey: .id)
        try container.encode(alert.jobID, forKey: .jobID)
        try container.encode(alert.kind.rawValue, forKey: .type)
        try container.encode(Timestamp.string(from: alert.createdAt), forKey: .createdAt)
        try container.encode(alert.fireTime.map(Timestamp.string), forKey: .fireTime)
        try container.encode(alert.lastFireTime.map(Timestamp.string), forKey: .lastFireTime)
        try container.encode(alert.runID, forKey: .runID)
        try container.encode(alert.lastRunID, forKey: .lastRunID)
        try container.encode(alert.missedCount, forKey: .missedCount)
        try container.encode(alert.failureCount, forKey: .failureCount)
        try container.encode(alert.acknowledged, forKey: .acknowledged)
        try container.encode(alert.acknowledgedAt.map(Timestamp.string), forKey: .acknowledgedAt)
        try container.encode(alert.resolvedAt.map(Timestamp.string), forKey: .resolvedAt)
    }
}

struct StatusRepresentation: Encodable {
    let status: JobStatus

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", status, lastRun = "last_run", nextFireTime = "next_fire_time", deadline
        case openAlerts = "open_alerts"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.jobID, forKey: .jobID)
        try container.encode(status.state.rawValue, forKey: .status)
        try container.encode(status.lastRun.map(RunRepresentation.init), forKey: .lastRun)
        try container.encode(status.nextFireTime.map(Timestamp.string), forKey: .nextFireTime)
        try container.encode(status.deadline.map(Timestamp.string), forKey: .deadline)
        try container.encode(status.openAlerts.map(AlertRepresentation.init), forKey: .openAlerts)
    }
}

/// `{"job_runs": [...], "page": 1, "per_page": 10, "total": 42}` and the like.
struct PageRepresentation<Item: Encodable>: Encodable {
    let key: String
    let items: [Item]
    let page: PageRequest
    let total: Int

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(key))
        try container.encode(page.page, forKey: Key("page"))
        try container.encode(page.perPage, forKey: Key("per_page"))
        try container.encode(total, forKey: Key("total"))
    }
}
