import CronicleBuildInfo
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// `GET /metrics` (DESIGN 13): each job's series say what the API says of the job, with
/// the job's labels on every one, escaped as the text format wants.
@Suite struct MetricsAPITests {
    static func scrape(_ monitor: LiveMonitor) async throws -> ScrapedMetrics {
        let response = try await monitor.request("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        return try ScrapedMetrics(response.text)
    }

    static func seconds(_ iso: Any?) -> Double? {
        (iso as? String).flatMap { Timestamp.parse($0)?.timeIntervalSince1970 }
    }

    static func set(_ monitor: LiveMonitor, _ iso: String) {
        monitor.clock.set(Timestamp.parse(iso)!)
    }

    @Test func jobSeriesAgreeWithTheAPIAfterRunsAndAlerts() async throws {
        // 06:00 now. "nightly" fires hourly (5 minutes of tolerance, 10 of runtime) and runs
        // once well, once badly; "idle" fires hourly and never runs, so it is missed at 07:05.
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs",
                json: [
                    "job_id": "nightly", "schedule": "0 * * * *", "tolerance": 5, "max_runtime": 10,
                    "labels": ["team": "data"],
                ])
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "idle", "schedule": "0 * * * *"])
            Self.set(monitor, "2026-11-28T06:10:00Z")
            _ = try await monitor.request("POST", "/jobs/nightly/start")
            Self.set(monitor, "2026-11-28T06:12:30Z")
            _ = try await monitor.request("POST", "/jobs/nightly/end")
            Self.set(monitor, "2026-11-28T06:20:00Z")
            _ = try await monitor.request("POST", "/jobs/nightly/start")
            Self.set(monitor, "2026-11-28T06:21:00Z")
            _ = try await monitor.request("POST", "/jobs/nightly/fail", json: ["exit_code": 2])
            // idle's 07:00 fire time has a deadline of 07:01 (default tolerance 1 minute);
            // the engine looks 30 s after it.
            Self.set(monitor, "2026-11-28T07:01:30Z")
            try await monitor.engine.evaluate()

            let metrics = try await Self.scrape(monitor)
            let jobs = try #require(try await monitor.request("GET", "/jobs").object()["jobs"] as? [[String: Any]])
            #expect(metrics.value("cronicle_jobs") == Double(jobs.count))
            for jobID in ["nightly", "idle"] {
                let labels = jobID == "nightly" ? ["job_id": jobID, "team": "data"] : ["job_id": jobID]
                let status = try await monitor.request("GET", "/jobs/\(jobID)/status").object()
                let state = try #require(status["status"] as? String)
                for candidate in JobStatus.State.allCases {
                    let expected: Double = candidate.rawValue == state ? 1 : 0
                    #expect(
                        metrics.value(
                            "cronicle_job_status", labels.merging(["status": candidate.rawValue]) { a, _ in a })
                            == expected, "\(jobID) is \(state), not \(candidate)")
                }
                #expect(metrics.value("cronicle_job_paused", labels) == 0)
                #expect(
                    metrics.value("cronicle_job_next_expected_timestamp_seconds", labels)
                        == Self.seconds(status["next_fire_time"]))
                #expect(
                    metrics.value("cronicle_job_deadline_timestamp_seconds", labels) == Self.seconds(status["deadline"])
                )
                #expect(metrics.value("cronicle_job_expected_interval_seconds", labels) == 3600)
                let open = try await monitor.request("GET", "/alerts?job_id=\(jobID)&resolved=false").object()
                #expect(metrics.value("cronicle_job_open_alerts", labels) == (open["total"] as? Int).map(Double.init))
                #expect((open["total"] as? Int ?? 0) > 0, "each job has an open alert to count")
                for result in ["succeeded", "failed"] {
                    let runs = try await monitor.request("GET", "/job_runs?job_id=\(jobID)&status=\(result)").object()
                    #expect(
                        metrics.value("cronicle_job_runs_total", labels.merging(["result": result]) { a, _ in a })
                            == (runs["total"] as? Int).map(Double.init), "\(jobID) \(result)")
                }
            }
            let nightly = ["job_id": "nightly", "team": "data"]
            let lastRun = try #require(
                try await monitor.request("GET", "/jobs/nightly/status").object()["last_run"] as? [String: Any])
            #expect(
                metrics.value("cronicle_job_last_start_timestamp_seconds", nightly)
                    == Self.seconds(lastRun["start_time"]))
            #expect(
                metrics.value("cronicle_job_last_duration_seconds", nightly) == lastRun["duration_seconds"] as? Double)
            #expect(metrics.value("cronicle_job_last_duration_seconds", nightly) == 60)
            #expect(metrics.value("cronicle_job_consecutive_failures", nightly) == 1)
            let succeeded = try #require(
                (try await monitor.request("GET", "/job_runs?job_id=nightly&status=succeeded").object()["job_runs"]
                    as? [[String: Any]])?.first)
            #expect(
                metrics.value("cronicle_job_last_success_timestamp_seconds", nightly)
                    == Self.seconds(succeeded["end_time"]))
            #expect(
                metrics.value("cronicle_job_last_failure_timestamp_seconds", nightly)
                    == Self.seconds(lastRun["end_time"]))
            #expect(metrics.samples("cronicle_job_last_success_timestamp_seconds", ["job_id": "idle"]).isEmpty)

            // The monitor's own: four pings, one missed alert raised 30 s after its deadline.
            #expect(metrics.value("cronicle_pings_received_total", ["kind": "start"]) == 2)
            #expect(metrics.value("cronicle_pings_received_total", ["kind": "success"]) == 1)
            #expect(metrics.value("cronicle_pings_received_total", ["kind": "failure"]) == 1)
            #expect(metrics.value("cronicle_alert_detection_lag_seconds_count") == 1)
            #expect(metrics.value("cronicle_alert_detection_lag_seconds_sum") == 30)
            #expect(metrics.value("cronicle_alert_detection_lag_seconds_bucket", ["le": "10.0"]) == 0)
            #expect(metrics.value("cronicle_alert_detection_lag_seconds_bucket", ["le": "30.0"]) == 1)
            #expect(metrics.value("cronicle_build_info", ["version": CronicleVersion.current]) == 1)
            #expect(metrics.value("cronicle_notification_queue_depth") == 0)

            // A pause shows at once.
            _ = try await monitor.request("POST", "/jobs/nightly/pause")
            let paused = try await Self.scrape(monitor)
            #expect(paused.value("cronicle_job_paused", nightly) == 1)
            #expect(paused.value("cronicle_job_status", nightly.merging(["status": "paused"]) { a, _ in a }) == 1)
        }
    }

    @Test func labelValuesAreEscaped() async throws {
        try await LiveMonitor.with { monitor in
            let awkward = "say \"hi\"\\now\nthen"
            let response = try await monitor.request(
                "POST", "/jobs",
                json: ["job_id": "odd", "schedule": "@daily", "labels": ["note": .string(awkward)]])
            #expect(response.status == 201, "\(response.text)")
            let text = try await monitor.request("GET", "/metrics").text
            #expect(text.contains(#"cronicle_job_paused{job_id="odd",note="say \"hi\"\\now\nthen"} 0"#))
            let metrics = try ScrapedMetrics(text)
            #expect(metrics.value("cronicle_job_paused", ["job_id": "odd", "note": awkward]) == 0)
        }
    }

    @Test func labelsFromYAMLAreOnEverySeriesOfTheJob() async throws {
        try await LiveMonitor.with { monitor in
            let files: JSONValue = [
                "source": ["repository": "git@example.com:ops/jobs.git", "ref": "main", "commit": "abc123"],
                "files": [
                    [
                        "path": "jobs.d/billing/_defaults.yaml",
                        "contents": "defaults:\n  labels: {team: billing, tier: \"1\"}\n",
                    ],
                    [
                        "path": "jobs.d/billing/invoices.yaml",
                        "contents": "job_id: invoices\nschedule: \"0 3 * * *\"\nlabels: {tier: \"2\", owner: ana}\n",
                    ],
                ],
            ]
            let applied = try await monitor.request("POST", "/sync/apply", json: files)
            #expect(applied.status == 200, "\(applied.text)")
            let metrics = try await Self.scrape(monitor)
            let series = metrics.samples.filter { $0.name.hasPrefix("cronicle_job_") }
            #expect(series.count > 10)
            for sample in series {
                #expect(sample.labels["job_id"] == "invoices")
                #expect(sample.labels["team"] == "billing" && sample.labels["owner"] == "ana", "\(sample)")
                #expect(sample.labels["tier"] == "2", "the job's own label wins over its folder's")
            }
            #expect(metrics.samples("cronicle_sync_last_apply_timestamp_seconds", ["result": "applied"]).count == 1)
        }
    }
}
