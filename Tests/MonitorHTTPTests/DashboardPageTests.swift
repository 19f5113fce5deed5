import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

/// The dashboard's job, alert and sync pages in headless Chromium against a live
/// server: what they show, that client data stays text, acknowledging from the page
/// (with and without an API token), and that they follow the monitor live, also
/// across a dropped connection.
@Suite(.serialized) struct DashboardPageTests {
    static let hostile = "<script>window.pwned=1</script>"

    /// `etl` (Berlin, 10-minute limit) with runs of 4, 8 and 2 minutes (the last one
    /// failed) and one still running; every start sends full client info.
    static func seedRuns(_ monitor: LiveMonitor) async throws {
        let job: JSONValue = [
            "job_id": "etl", "schedule": "0 6 * * *", "timezone": "Europe/Berlin", "tolerance": 5,
            "max_runtime": 10, "description": "<img src=x onerror=window.pwned=2>", "tags": ["nightly"],
        ]
        #expect(try await monitor.request("POST", "/jobs", json: job).status == 201)
        let client: JSONValue = [
            "client_info": [
                "hostname": .string(hostile), "ip": "10.0.0.7", "os": "Debian 12", "metadata": ["batch": 7],
            ]
        ]
        for (minutes, exitCode) in [(4, 0), (8, 0), (2, 3)] {
            let start = try await monitor.request(
                "POST", "/jobs/etl/start", json: client, headers: ["User-Agent": "backup.sh/1.0"])
            let runID = try #require(try start.object()["run_id"] as? String)
            monitor.clock.advance(by: TimeInterval(minutes * 60))
            let end: JSONValue = [
                "run_id": .string(runID), "exit_code": .number(JSONNumber(Double(exitCode))),
                "message": "<b>disk</b> full",
            ]
            #expect(try await monitor.request("POST", "/jobs/etl/end", json: end).status == 200)
            monitor.clock.advance(by: 60)
        }
        _ = try await monitor.request(
            "POST", "/jobs/etl/start", json: ["client_info": ["hostname": "worker-02"]])
    }

    @Test func theJobPageShowsDefinitionFireTimesChartRunsAndAlerts() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.seedRuns(monitor)
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/ui/jobs/etl")
            #expect(try await browser.waitUntil("document.querySelector('#duration-chart') !== null"))
            func text(_ selector: String) async throws -> String? {
                try await browser.evaluate("document.querySelector(\"\(selector)\")?.textContent.trim()") as? String
            }
            #expect(try await text("h1") == "etl")
            #expect(try await text("#job-state") == "✖ failed")

            // Definition, and where a job made through the API comes from (nowhere).
            let definition = try #require(try await text("dl.fields"))
            for expected in ["0 6 * * *", "At 06:00", "Europe/Berlin", "5m", "10m", "api"] {
                #expect(definition.contains(expected), "definition shows \(expected)")
            }
            #expect(try await browser.evaluate("document.getElementById('job-source') === null") as? Bool == true)

            // The next five fire times, in UTC and in the job's zone (06:00 in Berlin is 05:00Z in winter).
            #expect(try await browser.evaluate("document.querySelectorAll('.fire-times li').length") as? Int == 5)
            #expect(
                try await browser.evaluate("document.querySelector('.fire-times time').getAttribute('datetime')")
                    as? String == "2026-11-29T05:00:00.000Z")
            #expect(try await text(".fire-times .local") == "2026-11-29T06:00:00+01:00")

            // The chart: one bar per started run, oldest first, and the max_runtime line above the 8-minute bar.
            let bars = try #require(
                try await browser.evaluate(
                    "Array.from(document.querySelectorAll('#duration-chart rect.bar')).map(b => [parseFloat(b.getAttribute('height')), parseFloat(b.getAttribute('y')), b.getAttribute('class'), b.textContent])"
                ) as? [[Any]])
            #expect(bars.count == 4)
            let heights = bars.map { $0[0] as? Double ?? 0 }
            #expect(heights[1] > heights[0] && heights[0] > heights[2], "4, 8 and 2 minutes: \(heights)")
            #expect((bars[2][2] as? String)?.contains("state-failed") == true)
            #expect((bars[1][3] as? String)?.contains("8.0 min · succeeded") == true)
            let limitY = try #require(
                try await browser.evaluate(
                    "parseFloat(document.getElementById('max-runtime-line').getAttribute('y1'))") as? Double)
            let eightMinuteTop = try #require(bars[1][1] as? Double)
            #expect(limitY < eightMinuteTop, "10 minutes is drawn above 8")

            // Runs, newest first, with everything the client sent, as text.
            #expect(try await browser.evaluate("document.querySelectorAll('details.run').length") as? Int == 4)
            #expect(try await text("details.run .badge") == "▶ running")
            let failedRun = "document.querySelectorAll('details.run')[1]"
            #expect(
                try await browser.evaluate("\(failedRun).querySelector('.host').textContent").map {
                    ($0 as? String)?.contains(Self.hostile) == true
                } == true)
            #expect(try await browser.evaluate("\(failedRun).querySelector('.exit').textContent") as? String == "3")
            // One line per run: the details wait until asked for.
            #expect(try await browser.evaluate("\(failedRun).open") as? Bool == false)
            #expect(
                try await browser.evaluate(
                    "Array.from(\(failedRun).querySelectorAll('summary .cell')).every(c => c.getBoundingClientRect().height < 40)"
                ) as? Bool == true)
            #expect(
                try await browser.evaluate("\(failedRun).querySelector('.message').textContent") as? String
                    == "<b>disk</b> full")
            let details = try #require(
                try await browser.evaluate("\(failedRun).textContent") as? String)
            for expected in [
                "backup.sh/1.0", "127.0.0.1", "client_info.os", "Debian 12", "\"batch\" : 7", "<b>disk</b> full",
            ] {
                #expect(details.contains(expected), "details show \(expected)")
            }
            #expect(
                try await browser.evaluate("document.querySelectorAll('main script, main img, main b').length") as? Int
                    == 0)
            #expect(try await browser.evaluate("typeof window.pwned") as? String == "undefined")

            // The failed alert is acknowledged from the page.
            let alertID =
                try #require(
                    try await monitor.request("GET", "/alerts?job_id=etl&resolved=false").object()["alerts"]
                        as? [[String: Any]]
                ).first?["id"] as? Int
            let id = try #require(alertID)
            try await browser.evaluate("document.querySelector('#alert-\(id) button.ack').click()")
            #expect(
                try await browser.waitUntil("document.querySelector('#alert-\(id)').dataset.state === 'acknowledged'"))
            let acknowledged = try await monitor.request("GET", "/alerts?job_id=etl&acknowledged=true").object()
            #expect((acknowledged["alerts"] as? [[String: Any]])?.first?["id"] as? Int == id)

            // A new start appears on the open page, the run detail left open stays open.
            try await browser.evaluate("window.loadedOnce = true; \(failedRun).querySelector('summary').click()")
            #expect(try await browser.evaluate("\(failedRun).open") as? Bool == true)
            #expect(try await monitor.request("POST", "/jobs/etl/start").status == 201)
            #expect(try await browser.waitUntil("document.querySelectorAll('details.run').length === 5"))
            #expect(try await browser.evaluate("document.querySelectorAll('details.run')[2].open") as? Bool == true)
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")
        }
    }

    @Test func runHistoryPagesUnknownJobsAndBadQueries() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "tick", "schedule": "* * * * *"])
            for _ in 0..<30 {
                _ = try await monitor.request("POST", "/jobs/tick/start")
                monitor.clock.advance(by: 1)
                _ = try await monitor.request("POST", "/jobs/tick/end")
            }
            func runs(_ page: String) -> Int { page.components(separatedBy: "<details class=\"run\"").count - 1 }
            let first = try await monitor.request("GET", "/ui/jobs/tick").text
            #expect(runs(first) == 25)
            #expect(first.contains("1–25 of 30 runs") && first.contains("href=\"/ui/jobs/tick?page=2\""))
            let second = try await monitor.request("GET", "/ui/jobs/tick?page=2").text
            #expect(runs(second) == 5)
            #expect(second.contains("26–30 of 30 runs"))

            let missing = try await monitor.request("GET", "/ui/jobs/nope")
            #expect(missing.status == 404)
            #expect(
                missing.text.contains("There is no job &#39;nope&#39;.")
                    || missing.text.contains("There is no job &apos;nope&apos;."))
            #expect(try await monitor.request("GET", "/ui/jobs/tick?page=0").status == 400)
            #expect(try await monitor.request("GET", "/ui/alerts?state=bogus").status == 400)
            #expect(try await monitor.request("GET", "/ui/sync?limit=3").status == 400)

            // A deleted job keeps its page while its history remains.
            #expect(try await monitor.request("DELETE", "/jobs/tick").status == 204)
            let deleted = try await monitor.request("GET", "/ui/jobs/tick")
            #expect(deleted.status == 200)
            #expect(deleted.text.contains("id=\"job-deleted\""))
            #expect(runs(deleted.text) == 25)
            #expect(deleted.text.contains("1–25 of 30 runs"))
            #expect(!deleted.text.contains("Next fire times"), "no definition is left to show")
        }
    }

    /// The job page's ping URL with snippets to copy, and each run's output collapsed,
    /// in monospace and as text.
    @Test func theJobPageShowsItsPingURLSnippetsAndRunOutput() async throws {
        try await LiveMonitor.with { monitor in
            let created = try await monitor.request("POST", "/jobs", json: ["job_id": "etl", "every": "1h"])
            let pingURL = try #require(try created.object()["ping_url"] as? String)
            let path = try #require(URL(string: pingURL)?.path)
            _ = try await monitor.request("POST", "\(path)/start?rid=r1", body: Data("step 1\n".utf8))
            _ = try await monitor.request("POST", "\(path)/0?rid=r1", body: Data("\(Self.hostile)\ndone\n".utf8))
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/ui/jobs/etl")
            #expect(try await browser.waitUntil("document.getElementById('ping-url') !== null"))
            #expect(try await browser.evaluate("document.getElementById('ping-url').textContent") as? String == pingURL)
            // The forms docs/pings.md and docs/exec.md give, with this monitor's address.
            let base = "http://127.0.0.1:\(monitor.port)"
            let snippets = [
                "snippet-curl": "curl -fsS -m 10 --retry 5 -o /dev/null \(pingURL)",
                "snippet-start":
                    "curl -fsS -m 10 --retry 5 -o /dev/null \(pingURL)/start\nyour-command\n"
                    + "curl -fsS -m 10 --retry 5 -o /dev/null \(pingURL)/$?",
                "snippet-api":
                    "curl -fsS -m 10 --retry 5 -o /dev/null -X POST \(base)/jobs/etl/start\nyour-command\n"
                    + "curl -fsS -m 10 --retry 5 -o /dev/null -X POST \"\(base)/jobs/etl/end?exit_code=$?\"",
                "snippet-exec": "cronicle exec --server \(base) --job etl -- your-command",
                "snippet-exec-ping": "cronicle exec --ping-url \(pingURL) -- your-command",
            ]
            for (id, text) in snippets {
                #expect(
                    try await browser.evaluate("document.getElementById('\(id)').textContent") as? String == text,
                    "\(id)")
                #expect(
                    try await browser.evaluate("document.querySelector('button.copy[data-copy=\"\(id)\"]') !== null")
                        as? Bool == true, "\(id) has a copy button")
            }
            try await browser.evaluate("document.querySelector('button[data-copy=\"snippet-exec\"]').click()")
            #expect(
                try await browser.waitUntil(
                    "document.querySelector('button[data-copy=\"snippet-exec\"]').textContent !== 'Copy'"),
                "the button says it copied, or how to")
            let output = "document.querySelector('#run-r1 pre.output')"
            #expect(
                try await browser.evaluate("\(output).textContent") as? String == "step 1\n\(Self.hostile)\ndone\n")
            #expect(
                try await browser.evaluate("\(output).closest('details.output').open") as? Bool == false,
                "collapsed until asked for")
            #expect(
                try await browser.evaluate("getComputedStyle(\(output)).fontFamily.includes('monospace')") as? Bool
                    == true)
            #expect(try await browser.evaluate("window.pwned === undefined") as? Bool == true)
            #expect(
                try await browser.evaluate("document.getElementById('job-state').textContent.includes('Running')")
                    as? Bool == false, "the run ended")
        }
    }

    @Test func theAlertsPageFollowsAlertsSignsInAndOutAndCatchesUpAfterADrop() async throws {
        var configuration = ServerConfiguration()
        configuration.apiToken = "s3cret"
        try await LiveMonitor.with(configuration: configuration, clock: ManualClock("2026-11-28T05:50:00Z")) {
            monitor in
            let auth = ["Authorization": "Bearer s3cret"]
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "nightly", "schedule": "0 6 * * *"], headers: auth)
            // The browser goes through a relay the test can cut, as a flaky network would.
            let relay = try TCPRelay(to: monitor.port)
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(relay.port)/ui/alerts")
            #expect(try await browser.waitUntil("document.getElementById('live')?.classList.contains('on') === true"))
            #expect(
                try await browser.evaluate("document.querySelector('table.alerts .empty') !== null") as? Bool == true)

            // The engine finds the missed 06:00: the alert appears without a reload.
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T06:02:00Z")!)
            try await monitor.engine.evaluate()
            #expect(
                try await browser.waitUntil("document.querySelectorAll('table.alerts tr[data-alert]').length === 1"))
            #expect(try await browser.evaluate("document.getElementById('alerts-open').textContent") as? String == "1")
            #expect(
                try await browser.evaluate(
                    "document.querySelector('table.alerts tr[data-alert] a').getAttribute('href')")
                    as? String == "/ui/jobs/nightly", "each alert links to its job")
            #expect(try await browser.evaluate("document.getElementById('open-alerts').textContent") as? String == "1")

            // The stream drops; the job starts meanwhile (resolving the alert); on
            // reconnecting the page redraws from the server.
            try await browser.evaluate("window.loadedOnce = true")
            relay.cut()
            #expect(try await browser.waitUntil("!document.getElementById('live').classList.contains('on')"))
            #expect(try await monitor.request("POST", "/jobs/nightly/start").status == 201)
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                try await browser.evaluate("document.querySelectorAll('table.alerts tr[data-alert]').length") as? Int
                    == 1, "offline, the page cannot know yet")
            relay.restore()
            #expect(try await browser.waitUntil("document.querySelector('table.alerts .empty') !== null"))
            #expect(try await browser.evaluate("document.getElementById('open-alerts') === null") as? Bool == true)
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")

            // A failure opens an alert; acknowledging it without a session sends the browser to
            // sign in, which brings it back to the page, where the acknowledgement goes through.
            #expect(try await monitor.request("POST", "/jobs/nightly/fail").status == 200)
            #expect(try await browser.waitUntil("document.querySelector('table.alerts button.ack') !== null"))
            try await browser.evaluate("document.querySelector('table.alerts button.ack').click()")
            #expect(try await browser.waitUntil("location.pathname === '/login'"))
            #expect(try await browser.evaluate("location.search") as? String == "?next=%2Fui%2Falerts")
            // A wrong key is told in words, and nothing else happens.
            #expect(try await browser.waitUntil("document.getElementById('login-key') !== null"))
            try await browser.evaluate(
                "document.getElementById('login-key').value = 'stale'; document.getElementById('login-submit').click()")
            #expect(try await browser.waitUntil("document.getElementById('login-error') !== null"))
            #expect(
                (try await browser.evaluate("document.getElementById('login-error').textContent") as? String ?? "")
                    .contains("not a key of this monitor"))
            try await browser.evaluate(
                "document.getElementById('login-key').value = 's3cret'; document.getElementById('login-submit').click()"
            )
            #expect(try await browser.waitUntil("location.pathname === '/ui/alerts'"))
            #expect(try await browser.waitUntil("document.getElementById('signed-in-as')?.textContent === 'api-token'"))
            // The cookie is the page's only credential, and scripts cannot read it.
            #expect(try await browser.evaluate("document.cookie") as? String == "")
            #expect(try await browser.waitUntil("document.querySelector('table.alerts button.ack') !== null"))
            try await browser.evaluate("document.querySelector('table.alerts button.ack').click()")
            #expect(try await browser.waitUntil("document.querySelector('table.alerts .empty') !== null"))
            #expect(
                try await browser.evaluate("document.getElementById('alerts-acknowledged').textContent") as? String
                    == "1")
            let open = try await monitor.request("GET", "/alerts?acknowledged=true&resolved=false").object()
            #expect((open["alerts"] as? [[String: Any]])?.first?["type"] as? String == "failed")
            let audit = try await monitor.request("GET", "/audit?kind=alert.acknowledged").object()
            let entry = try #require((audit["audit"] as? [[String: Any]])?.first)
            #expect(entry["actor"] as? String == "api-token")
            #expect(entry["via"] as? String == "ui")

            // Signing out ends the session: the next action asks to sign in again.
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "spare", "schedule": "@daily"], headers: auth)
            #expect(try await monitor.request("POST", "/jobs/spare/fail").status == 200)
            #expect(try await browser.waitUntil("document.querySelector('table.alerts button.ack') !== null"))
            try await browser.evaluate("document.getElementById('sign-out').click()")
            #expect(try await browser.waitUntil("location.pathname === '/login'"))
            try await browser.evaluate("location.href = '/ui/alerts'")
            #expect(try await browser.waitUntil("document.querySelector('table.alerts button.ack') !== null"))
            #expect(try await browser.waitUntil("document.getElementById('live')?.classList.contains('on') === true"))
            #expect(try await browser.evaluate("document.getElementById('signed-in-as') === null") as? Bool == true)
            try await browser.evaluate("document.querySelector('table.alerts button.ack').click()")
            #expect(try await browser.waitUntil("location.pathname === '/login'"))
            let still = try await monitor.request("GET", "/alerts?acknowledged=false&resolved=false").object()
            #expect((still["alerts"] as? [[String: Any]])?.count == 1, "the alert stays open")

            // The other tabs list it, and the job filter keeps to one job.
            let acknowledgedTab = try await monitor.request("GET", "/ui/alerts?state=acknowledged").text
            #expect(acknowledgedTab.contains("data-state=\"acknowledged\""))
            let all = try await monitor.request("GET", "/ui/alerts?state=all&job_id=nightly").text
            #expect(all.components(separatedBy: "<tr id=\"alert-").count - 1 == 2)
            #expect(try await monitor.request("GET", "/ui/alerts?state=all&job_id=other").text.contains("No alerts."))
        }
    }

    @Test func eventsTellOfAlertsOpeningGrowingAcknowledgedAndResolved() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "flaky", "schedule": "@hourly"])
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/static/app.css")
            #expect(
                try await browser.waitUntil(
                    "location.pathname === '/static/app.css' && document.readyState === 'complete'"))
            try await browser.evaluate(
                "window.seen = []; window.stream = new EventSource('/events'); stream.onmessage = m => seen.push(JSON.parse(m.data))"
            )
            #expect(try await browser.waitUntil("stream.readyState === 1"))
            _ = try await monitor.request("POST", "/jobs/flaky/fail")
            _ = try await monitor.request("POST", "/jobs/flaky/fail")
            let id = try #require(
                (try await monitor.request("GET", "/alerts").object()["alerts"] as? [[String: Any]])?.first?["id"]
                    as? Int)
            _ = try await monitor.request("POST", "/alerts/\(id)/acknowledge")
            _ = try await monitor.request("POST", "/jobs/flaky/end")
            #expect(try await browser.waitUntil("seen.filter(e => e.type.startsWith('alert_')).length === 4"))
            let alerts = try #require(
                try await browser.evaluate(
                    "seen.filter(e => e.type.startsWith('alert_')).map(e => [e.type, e.job_id, e.alert_id, e.alert_type].join(' ')).join(', ')"
                ) as? String)
            #expect(
                alerts
                    == "alert_opened flaky \(id) failed, alert_updated flaky \(id) failed, alert_acknowledged flaky \(id) failed, alert_resolved flaky \(id) failed"
            )

            // Deleting a job resolves its open alerts, and says so.
            _ = try await monitor.request("POST", "/jobs/flaky/fail")
            #expect(try await monitor.request("DELETE", "/jobs/flaky").status == 204)
            #expect(
                try await browser.waitUntil(
                    "seen.some(e => e.type === 'alert_resolved' && e.alert_id !== \(id)) && seen.some(e => e.type === 'jobs_changed')"
                ))
            #expect(
                (try await monitor.request("GET", "/alerts?resolved=false").object()["alerts"] as? [Any])?.isEmpty
                    == true)
        }
    }

    @Test func syncedJobsShowTheirSourceAndTheSyncPageFollowsApplies() async throws {
        try await LiveMonitor.with { monitor in
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/ui/sync")
            #expect(try await browser.waitUntil("document.getElementById('live')?.classList.contains('on') === true"))
            #expect(try await browser.evaluate("document.querySelector('table.sync .empty') !== null") as? Bool == true)

            let commit = "0123456789abcdef0123456789abcdef01234567"
            let source = SyncSource(repository: "/srv/jobs.git", ref: "main", commit: commit, path: "jobs.d")
            let good = DefinitionFile(
                path: "jobs.d/backup.yaml",
                contents: Data("# nightly\njob_id: backup\nschedule: \"0 2 * * *\"\ndescription: \"<i>x</i>\"\n".utf8))
            let applied = try await monitor.store.applySync(files: [good], source: source)
            #expect(applied.record?.result == .applied)
            #expect(try await browser.waitUntil("document.querySelectorAll('table.sync tr[data-result]').length === 1"))

            let bad = DefinitionFile(
                path: "jobs.d/backup.yaml", contents: Data("job_id: backup\nschedule: \"61 * * * *\"\n".utf8))
            let failed = try await monitor.store.applySync(
                files: [bad],
                source: SyncSource(
                    repository: "/srv/jobs.git", ref: "<b>topic</b>",
                    commit: "fedcba9876543210fedcba9876543210fedcba98",
                    path: "jobs.d"))
            #expect(failed.record?.result == .failed)
            #expect(try await browser.waitUntil("document.querySelectorAll('table.sync tr[data-result]').length === 2"))
            let rows = try #require(
                try await browser.evaluate(
                    "Array.from(document.querySelectorAll('table.sync tr[data-result]')).map(r => r.dataset.result + ': ' + r.textContent.replace(/\\s+/g, ' ').trim())"
                ) as? [String])
            #expect(rows[0].hasPrefix("failed: ") && rows[0].contains("fedcba987654") && rows[0].contains("cron"))
            #expect(rows[0].contains("<b>topic</b>"), "a ref sent by a client stays text")
            #expect(try await browser.evaluate("document.querySelectorAll('table.sync b').length") as? Int == 0)
            #expect(rows[1].hasPrefix("applied: ") && rows[1].contains("0123456789ab") && rows[1].contains("+1"))
            #expect(rows[1].contains("/srv/jobs.git") && rows[1].contains("main"))

            // The synced job's page names its file, line and commit.
            let page = try await monitor.request("GET", "/ui/jobs/backup").text
            #expect(page.contains("<code>jobs.d/backup.yaml:2</code>"))
            #expect(page.contains("<code title=\"\(commit)\">0123456789ab</code>"))
            #expect(page.contains("<dt>Managed by</dt><dd>sync</dd>"))
        }
    }

    @Test func theNotificationsPageTheJobPageAndTheTopBarShowDeliveriesAndFailingChannels() async throws {
        try await WebhookReceiver.with(answers: [400]) { receiver in
            let secrets = ProcessSecrets(environment: ["HOOK_URL": receiver.url])
            try await LiveMonitor.with(secrets: secrets) { monitor in
                let files = [
                    DefinitionFile(
                        path: "jobs.d/backup.yaml",
                        contents: Data("job_id: backup\nschedule: \"@daily\"\nnotify: [hook]\n".utf8)),
                    DefinitionFile(
                        path: "jobs.d/channels.yaml",
                        contents: Data("channel: hook\ntype: webhook\nurl: ${env:HOOK_URL}\n".utf8)),
                ]
                _ = try await monitor.store.applySync(
                    files: files, source: SyncSource(repository: "r", ref: "main", commit: "c"))
                _ = try await monitor.request(
                    "POST", "/jobs/backup/fail", json: ["exit_code": 2, "message": .string(Self.hostile)])
                try await monitor.sender.sendDue()

                let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/ui/notifications")
                #expect(try await browser.waitUntil("document.getElementById('channel-hook') !== null"))
                #expect(
                    try await browser.evaluate("document.getElementById('channel-hook').dataset.state") as? String
                        == "failing")
                let bar = try await browser.evaluate("document.getElementById('failing-channels')?.textContent")
                #expect(bar as? String == "1 failing")
                let log = try #require(
                    try await browser.evaluate(
                        "Array.from(document.querySelectorAll('table.deliveries tr[data-status]')).map(r => r.dataset.status + ': ' + r.textContent.replace(/\\s+/g, ' ').trim())"
                    ) as? [String])
                #expect(log.count == 1 && log[0].hasPrefix("failed: "), "\(log)")
                #expect(log[0].contains("hook alert_opened") && log[0].contains("backup") && log[0].contains("400"))

                // The job's page lists the notifications of its alerts.
                let page = try await monitor.request("GET", "/ui/jobs/backup").text
                #expect(page.contains("<h2 id=\"notifications-title\">Notifications</h2>"))
                #expect(page.components(separatedBy: "<tr id=\"delivery-").count == 2)
                #expect(page.contains("the receiver answered HTTP 400"))
                let filtered = try await monitor.request("GET", "/ui/notifications?status=delivered").text
                #expect(filtered.contains("No notifications."))
                let bad = try await monitor.request("GET", "/ui/notifications?status=sent")
                #expect(bad.status == 400)
            }
        }
    }

    /// A page from another origin (here the same server through a relay, so another
    /// port) makes the browser post to the monitor; the monitor refuses it.
    @Test func anotherSitesPageCannotChangeTheMonitor() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "nightly", "schedule": "@daily"])
            let relay = try TCPRelay(to: monitor.port)
            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(relay.port)/static/app.css")
            #expect(try await browser.waitUntil("location.port === '\(relay.port)'"))
            let monitorURL = "http://127.0.0.1:\(monitor.port)"
            let sent = try await browser.evaluate(
                """
                Promise.all([
                  fetch('\(monitorURL)/jobs/nightly/start', {method: 'POST', mode: 'no-cors'}),
                  fetch('\(monitorURL)/jobs/nightly/pause', {method: 'POST', mode: 'no-cors'}),
                  fetch('\(monitorURL)/jobs', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
                    body: JSON.stringify({job_id: 'planted', schedule: '@daily'})})
                ]).then(r => r.length)
                """)
            #expect(sent as? Int == 3, "the browser sent the three requests")
            #expect(try await monitor.request("GET", "/job_runs?job_id=nightly").object()["total"] as? Int == 0)
            #expect(try await monitor.request("GET", "/jobs/nightly").object()["paused"] as? Bool == false)
            #expect(try await monitor.request("GET", "/jobs/planted").status == 404)
        }
    }
}
