import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// Snoozes and operators' pauses (DESIGN 11.4) through the API, with their effect on
/// notifications to a real webhook receiver, on a manual clock.
@Suite struct OperatorActionsTests {
    static let webhook = NotificationDeliveryTests.webhook

    static func events(_ receiver: WebhookReceiver) throws -> [String] {
        try receiver.requests.map { try $0.object()["event"] as? String ?? "?" }
    }

    @Test func aSnoozedJobsAlertsOpenButAreToldOnlyWhenTheSnoozeEndsIfStillOpen() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: NotificationDeliveryTests.secrets(receiver)) { monitor in
                try await NotificationDeliveryTests.apply(monitor, channel: Self.webhook)
                let snoozed = try await monitor.request(
                    "POST", "/jobs/billing/snooze", json: ["for": "2h", "reason": "disk swap", "by": "alice"])
                #expect(snoozed.status == 200, "\(snoozed.text)")
                let job = try snoozed.object()
                #expect(job["snoozed_until"] as? String == "2026-11-28T08:00:00.000Z")
                #expect(job["snoozed_by"] as? String == "alice" && job["snooze_reason"] as? String == "disk swap")

                // A failure that resolves inside the snooze is never told, its resolution neither.
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                let alert = try #require(try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.first)
                #expect(alert.resolvedAt == nil && alert.silenced == "snooze", "the alert opens and shows")
                _ = try await monitor.request("POST", "/jobs/billing/end")
                #expect(try await monitor.sender.sendDue() == 0)

                // One still open when the snooze ends is told then, once.
                _ = try await monitor.request("POST", "/jobs/billing/fail", json: ["exit_code": 4])
                monitor.clock.advance(by: 3600)
                #expect(try await monitor.sender.sendDue() == 0, "still snoozed")
                monitor.clock.advance(by: 3601)
                #expect(try await monitor.sender.sendDue() == 1)
                #expect(try Self.events(receiver) == ["alert_opened"])
                #expect(try receiver.requests[0].object()["text"] as? String == "billing failed with exit code 4")
                monitor.clock.advance(by: 10)
                #expect(try await monitor.sender.sendDue() == 0, "told once")
                let after = try await monitor.request("GET", "/jobs/billing").object()
                #expect(after["snoozed_until"] is NSNull, "an ended snooze is not shown")

                // Its resolution, of an opening that was told, goes out as usual.
                _ = try await monitor.request("POST", "/jobs/billing/end")
                #expect(try await monitor.sender.sendDue() == 1)
                #expect(try Self.events(receiver) == ["alert_opened", "alert_resolved"])
            }
        }
    }

    @Test func endingASnoozeEarlyTellsWhatItHeldAtOnce() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: NotificationDeliveryTests.secrets(receiver)) { monitor in
                try await NotificationDeliveryTests.apply(monitor, channel: Self.webhook)
                _ = try await monitor.request("POST", "/jobs/billing/snooze", json: ["for": 30])
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                #expect(try await monitor.sender.sendDue() == 0)
                let ended = try await monitor.request("DELETE", "/jobs/billing/snooze")
                let endedJob = try ended.object()
                #expect(ended.status == 200 && endedJob["snoozed_until"] is NSNull)
                #expect(try await monitor.sender.sendDue() == 1)
                #expect(try Self.events(receiver) == ["alert_opened"])
            }
        }
    }

    @Test func anAlertAcknowledgedDuringASnoozeIsNeverTold() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: NotificationDeliveryTests.secrets(receiver)) { monitor in
                try await NotificationDeliveryTests.apply(monitor, channel: Self.webhook)
                _ = try await monitor.request("POST", "/jobs/billing/snooze", json: ["for": "1h"])
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                let alert = try #require(try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.first)
                _ = try await monitor.request("POST", "/alerts/\(alert.id)/acknowledge")
                monitor.clock.advance(by: 3601)
                #expect(try await monitor.sender.sendDue() == 0)
                #expect(receiver.requests.isEmpty, "acknowledged: someone already knows")
            }
        }
    }

    @Test func aPausedJobsFailuresRaiseNothingAndDoNotCountTowardsAStreak() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs",
                json: ["job_id": "etl", "schedule": "@daily", "failure_threshold": 2, "min_runtime": "1h"])
            _ = try await monitor.request("POST", "/jobs/etl/fail")
            _ = try await monitor.request("POST", "/jobs/etl/pause")
            _ = try await monitor.request("POST", "/jobs/etl/fail")
            _ = try await monitor.request("POST", "/jobs/etl/start")
            _ = try await monitor.request("POST", "/jobs/etl/end")
            #expect(try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.isEmpty, "nothing opens")
            _ = try await monitor.request("POST", "/jobs/etl/resume")
            _ = try await monitor.request("POST", "/jobs/etl/fail")
            #expect(
                try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.isEmpty,
                "the success while paused reset the streak; one failure since is below 2")
            _ = try await monitor.request("POST", "/jobs/etl/fail")
            #expect(try await monitor.store.alerts(AlertQuery(kind: .failed, page: PageRequest())).items.count == 1)
        }
    }

    @Test func aSnoozeNeedsAnEndWithinSevenDays() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "x", "schedule": "@daily"])
            for (body, words) in [
                (JSONValue.object([:]), "for: is required"),
                (["for": "8d"], "at most 7 days"),
                (["for": "0s"], "must be longer than 0"),
                (["for": "2h", "until": "2026-11-28T07:00:00Z"], "not both"),
                (["until": "2026-11-28T05:00:00Z"], "must be in the future"),
                (["until": "tomorrow"], "ISO 8601"),
                (["for": "2h", "note": "x"], "unknown"),
            ] as [(JSONValue, String)] {
                let answer = try await monitor.request("POST", "/jobs/x/snooze", json: body)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.errorMessage?.contains(words) == true, "\(body): \(answer.errorMessage ?? answer.text)")
            }
            let missing = try await monitor.request("POST", "/jobs/nope/snooze", json: ["for": "1h"])
            #expect(missing.status == 404)
            let job = try await monitor.request("GET", "/jobs/x").object()
            #expect(job["snoozed_until"] is NSNull, "nothing was recorded")
            let week = try await monitor.request("POST", "/jobs/x/snooze", json: ["for": "7d"])
            #expect(week.status == 200)
        }
    }

    /// A synced job, as a repository would define it.
    static func applyJob(_ monitor: LiveMonitor, _ yaml: String) async throws -> SyncReport {
        try await monitor.store.applySync(
            files: [DefinitionFile(path: "jobs.d/etl.yaml", contents: Data(yaml.utf8))],
            source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abc"))
    }

    @Test func anOperatorsPauseOfASyncedJobSurvivesAnApplyAndIsNotDrift() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await Self.applyJob(monitor, "job_id: etl\nschedule: \"0 * * * *\"\n")
            let paused = try await monitor.request(
                "POST", "/jobs/etl/pause", json: ["reason": "vendor outage", "by": "bob"])
            #expect(paused.status == 200, "\(paused.text)")
            var job = try paused.object()
            #expect(job["paused"] as? Bool == true && job["paused_by"] as? String == "bob")
            #expect(job["pause_reason"] as? String == "vendor outage")

            // Not drift: the same definition plans nothing.
            let plan = try await monitor.store.planSync(
                files: [
                    DefinitionFile(
                        path: "jobs.d/etl.yaml", contents: Data("job_id: etl\nschedule: \"0 * * * *\"\n".utf8))
                ],
                source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abc"),
                options: SyncOptions())
            #expect(plan.plan?.updates.isEmpty == true && plan.plan?.unchanged == 1, "\(plan.formatted())")

            // An apply that changes the job keeps the pause; the engine raises nothing.
            let report = try await Self.applyJob(monitor, "job_id: etl\nschedule: \"0 * * * *\"\ntolerance: 10m\n")
            #expect(report.plan?.updates.count == 1)
            job = try await monitor.request("GET", "/jobs/etl").object()
            #expect(job["paused"] as? Bool == true && job["paused_by"] as? String == "bob")
            monitor.clock.advance(by: 3 * 3600)
            try await monitor.engine.evaluate()
            #expect(try await monitor.store.alerts(AlertQuery(page: PageRequest())).items.isEmpty)

            let resumed = try await monitor.request("POST", "/jobs/etl/resume")
            job = try resumed.object()
            #expect(job["paused"] as? Bool == false && job["paused_by"] is NSNull)
        }
    }

    @Test func aJobPausedInItsFileIsResumedThereNotThroughTheAPI() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await Self.applyJob(monitor, "job_id: etl\nschedule: \"0 * * * *\"\npaused: true\n")
            let answer = try await monitor.request("POST", "/jobs/etl/resume")
            #expect(answer.status == 409 && answer.errorCode == "managed_by_sync")
            #expect(answer.errorMessage?.contains("jobs.d/etl.yaml:1") == true, "\(answer.text)")
            #expect(try await monitor.request("GET", "/jobs/etl").object()["paused"] as? Bool == true)
        }
    }

    @Test func theDashboardShowsAStreakBelowTheThresholdAndThePolicy() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs",
                json: [
                    "job_id": "etl", "schedule": "@daily", "failure_threshold": 3, "min_runtime": "2m",
                    "labels": ["team": "data"],
                ])
            for _ in 0..<2 { _ = try await monitor.request("POST", "/jobs/etl/fail") }
            let status = try await monitor.request("GET", "/jobs/etl/status").object()
            #expect(status["status"] as? String == "failed" && status["failure_streak"] as? Int == 2)
            #expect((status["open_alerts"] as? [Any])?.isEmpty == true, "below the threshold nothing opens")
            let page = try await monitor.request("GET", "/ui/jobs/etl").text
            #expect(page.contains(#"<span class="note" id="job-streak">(2 of 3 failed)</span>"#))
            #expect(page.contains("<dt>Min runtime</dt><dd>2m: a shorter successful run is too fast</dd>"))
            #expect(page.contains(#"<code class="label">team=data</code>"#))
            let list = try await monitor.request("GET", "/").text
            #expect(list.contains(#"<span class="note">2 of 3 failed"#), "the list says it too")
        }
    }

    @Test func policyFieldsAreCheckedAsTheLinterChecksThem() async throws {
        try await LiveMonitor.with { monitor in
            for (extra, words) in [
                (["failure_threshold": 0], "failure_threshold must be from 1"),
                (["min_runtime": "2h", "max_runtime": "1h"], "not below max_runtime"),
                (["min_runtime": "1m", "is_health_check": true], "health check"),
                (["labels": ["__name": "x"]], "reserves"),
                (["labels": ["team": 3]], "must be a string"),
            ] as [([String: JSONValue], String)] {
                var body: [String: JSONValue] = ["job_id": "x", "schedule": "@daily"]
                body.merge(extra) { _, new in new }
                let answer = try await monitor.request("POST", "/jobs", json: .object(body))
                #expect(answer.status == 400, "\(extra)")
                #expect(answer.errorMessage?.contains(words) == true, "\(body): \(answer.errorMessage ?? answer.text)")
            }
            #expect(try await monitor.request("GET", "/jobs/x").status == 404, "nothing was created")
            let created = try await monitor.request(
                "POST", "/jobs",
                json: [
                    "job_id": "x", "schedule": "@daily", "min_runtime": "30s", "failure_threshold": 3,
                    "labels": ["team": "data"],
                ])
            #expect(created.status == 201, "\(created.text)")
            let job = try created.object()
            #expect(job["min_runtime_seconds"] as? Int == 30 && job["failure_threshold"] as? Int == 3)
            #expect(job["labels"] as? [String: String] == ["team": "data"])
        }
    }
}
