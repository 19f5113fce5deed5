import Foundation
import MonitorDomain

/// The rows a ping batch reads and writes (``MonitorStore/applyPingBatch(_:_:)``). The
/// written ones go to PostgreSQL as JSON, where `json_to_recordset` matches each key to
/// the column of that name: each property is named as its column, in camel case.
enum PingBatchRows {
    /// What a batch reads of a run, or knows of one it started.
    struct Run {
        static let columns = "run_id, job_id, status, start_time, client_info, remote_addr, user_agent"

        var runID: String
        var jobID: String
        var status: JobRun.Status?
        var startTime: Date?
        /// As stored: compact JSON text.
        var clientInfo: String?
        var remoteAddress: String?
        var userAgent: String?

        init(
            runID: String, jobID: String, status: JobRun.Status?, startTime: Date?, clientInfo: String?,
            remoteAddress: String?, userAgent: String?
        ) {
            self.runID = runID
            self.jobID = jobID
            self.status = status
            self.startTime = startTime
            self.clientInfo = clientInfo
            self.remoteAddress = remoteAddress
            self.userAgent = userAgent
        }

        init(_ row: SQLRow) throws {
            runID = try row.text(0)
            jobID = try row.text(1)
            status = JobRun.Status(rawValue: try row.text(2))
            startTime = try row.optionalDate(3)
            clientInfo = try row.optionalText(4)
            remoteAddress = try row.optionalText(5)
            userAgent = try row.optionalText(6)
        }
    }

    /// How many of a job's oldest open runs the batch's ends without a run id may take.
    struct OpenRunsWanted: Encodable {
        var jobID: String
        var wanted: Int
    }

    /// A started run, inserted.
    struct Inserted: Encodable {
        var runID: String
        var jobID: String
        var status: String
        /// ISO 8601 with milliseconds, as `timestamptz` reads it.
        var startTime: String
        var endTime: String?
        var clientInfo: String?
        var remoteAddr: String?
        var userAgent: String?
    }

    /// An ended run's new columns.
    struct Ended: Encodable {
        var runID: String
        var status: String
        var endTime: String
        var exitCode: Int?
        var message: String?
        var clientInfo: String?
    }
}
