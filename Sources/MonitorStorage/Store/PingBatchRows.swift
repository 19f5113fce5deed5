import Foundation
import MonitorDomain
import NIOCore

/// The rows a ping batch reads and writes (``MonitorStore/applyPingBatch(_:_:)``). The
/// written ones go to PostgreSQL as one JSON array (``json(_:)``), where
/// `json_to_recordset` matches each key to the column of that name.
enum PingBatchRows {
    /// A row that goes to PostgreSQL as a JSON object, one key a column.
    protocol Written {
        func write(to json: inout JSONWriter)
    }

    /// `rows` as one JSON array, written by ``JSONWriter``: `JSONEncoder` (with its
    /// snake-case keys) was a twelfth of a node's CPU under a ping storm.
    static func json(_ rows: [some Written]) -> String {
        var json = JSONWriter()
        json.array(rows) { json, row in json.object { json in row.write(to: &json) } }
        return String(buffer: json.buffer)
    }

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
    struct OpenRunsWanted: Written {
        var jobID: String
        var wanted: Int

        func write(to json: inout JSONWriter) {
            json.field("job_id", jobID)
            json.field("wanted", wanted)
        }
    }

    /// A started run, inserted.
    struct Inserted: Written {
        var runID: String
        var jobID: String
        var status: String
        /// ISO 8601 with milliseconds, as `timestamptz` reads it.
        var startTime: String
        var endTime: String?
        var clientInfo: String?
        var remoteAddress: String?
        var userAgent: String?

        func write(to json: inout JSONWriter) {
            json.field("run_id", runID)
            json.field("job_id", jobID)
            json.field("status", status)
            json.field("start_time", startTime)
            json.field("end_time", endTime)
            json.field("client_info", clientInfo)
            json.field("remote_addr", remoteAddress)
            json.field("user_agent", userAgent)
        }
    }

    /// An ended run's new columns.
    struct Ended: Written {
        var runID: String
        var status: String
        var endTime: String
        var exitCode: Int?
        var message: String?
        var clientInfo: String?

        func write(to json: inout JSONWriter) {
            json.field("run_id", runID)
            json.field("status", status)
            json.field("end_time", endTime)
            json.field("exit_code", exitCode)
            json.field("message", message)
            json.field("client_info", clientInfo)
        }
    }
}
