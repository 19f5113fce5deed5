import CronicleTestSupport
import Foundation
import GRDB
import MonitorDomain
import MonitorStorage
import Testing

/// Migration v8 rebuilds the jobs table so that a job may have `every` instead of a
/// schedule, and gives every existing job a ping uuid: the jobs must come through whole,
/// each with its own uuid, and the change log's triggers must still fire.
@Suite struct JobTableMigrationTests {
    @Test func existingJobsComeThroughWithTheirOwnPingUUIDs() throws {
        let folder = try TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.url("monitor.sqlite"))
        try MonitorStore.migrator.migrate(queue, upTo: "v7: alerts about channels, refused applies in the outbox")
        try queue.write { db in
            for id in ["backup", "report"] {
                try db.execute(
                    sql: """
                        INSERT INTO job_configs (job_id, schedule, timezone, tolerance_seconds, max_runtime_seconds,
                            tags, created_at, updated_at, watched_since, notify)
                        VALUES (?, '0 3 * * *', 'Europe/Berlin', 900, 3600, '["prod"]', '2026-11-01 00:00:00.000',
                            '2026-11-02 00:00:00.000', '2026-11-01 00:00:00.000', '["ops"]')
                        """, arguments: [id])
            }
            try db.execute(sql: "DELETE FROM job_config_changes")
        }
        try MonitorStore.migrator.migrate(queue)
        try queue.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM job_configs ORDER BY job_id")
            #expect(rows.map { $0["job_id"] as String } == ["backup", "report"])
            for row in rows {
                #expect(row["schedule"] as String? == "0 3 * * *" && row["every_seconds"] as Int? == nil)
                #expect(row["timezone"] as String == "Europe/Berlin" && row["tolerance_seconds"] as Int == 900)
                #expect(row["tags"] as String == #"["prod"]"# && row["notify"] as String == #"["ops"]"#)
                #expect(row["expect"] as String == "start" && row["watch_from"] as String == "creation")
                let uuid = row["ping_uuid"] as String
                #expect(
                    uuid.range(
                        of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                        options: .regularExpression) != nil, "a version 4 uuid, found \(uuid)")
            }
            #expect(Set(rows.map { $0["ping_uuid"] as String }).count == 2, "each job its own")
            // The change log still hears of changes, which the alert engine reads.
            try db.execute(sql: "UPDATE job_configs SET paused = 1 WHERE job_id = 'backup'")
            #expect(try String.fetchAll(db, sql: "SELECT job_id FROM job_config_changes") == ["backup"])
            // Exactly one of schedule and every; ping uuids unique.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE job_configs SET every_seconds = 60 WHERE job_id = 'report'")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: "UPDATE job_configs SET ping_uuid = (SELECT ping_uuid FROM job_configs WHERE job_id = "
                        + "'backup') WHERE job_id = 'report'")
            }
        }
    }
}
