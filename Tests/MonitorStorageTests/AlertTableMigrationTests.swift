import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import Testing

/// Migration v7 rebuilds the alerts table so that an alert may name a channel instead of
/// a job: every existing alert must come through with its id and fields, and the rules
/// that keep incidents from storming must still hold.
@Suite struct AlertTableMigrationTests {
    @Test func existingAlertsKeepTheirIdsAndTheRulesStillHold() throws {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.url("monitor.sqlite"))
        try MonitorStore.migrator.migrate(queue, upTo: "v6: notification channels and their outbox")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_alerts (id, job_id, type, created_at, fire_time, missed_count, acknowledged_at)
                    VALUES (41, 'backup', 'missed_job', '2026-11-29 02:00:00.000', '2026-11-29 02:00:00.000', 3,
                        '2026-11-29 02:10:00.000')
                    """)
        }
        try MonitorStore.migrator.migrate(queue)
        try queue.write { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM job_alerts WHERE id = 41"))
            #expect(row["job_id"] as String? == "backup" && row["type"] as String == "missed_job")
            #expect(row["missed_count"] as Int == 3 && row["channel"] as String? == nil)
            #expect(row["acknowledged_at"] as String? == "2026-11-29 02:10:00.000")
            // New ids follow the old ones.
            try db.execute(
                sql:
                    "INSERT INTO job_alerts (channel, type, created_at) VALUES ('ops', 'channel_failing', '2026-11-29')"
            )
            #expect(db.lastInsertedRowID == 42)
            // One open channel_failing per channel, one open missed_job per job, as before.
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql:
                        "INSERT INTO job_alerts (channel, type, created_at) VALUES ('ops', 'channel_failing', '2026-11-30')"
                )
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql:
                        "INSERT INTO job_alerts (job_id, type, created_at) VALUES ('backup', 'missed_job', '2026-11-30')"
                )
            }
            // A job's alert names a job, a channel's a channel, never both or neither.
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: "INSERT INTO job_alerts (job_id, channel, type, created_at) VALUES ('b', 'ops', 'failed', 'x')"
                )
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO job_alerts (type, created_at) VALUES ('channel_failing', 'x')")
            }
        }
    }
}
