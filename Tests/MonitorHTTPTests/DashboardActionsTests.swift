import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

@testable import MonitorHTTP

/// What an operator does from the dashboard, in headless Chromium against a live
/// server: pause and resume, acknowledge one alert or many, with and without an API
/// token; what alerts say; times in the reader's zone; the job list's notes and search;
/// and every value keeping its label on a 400-pixel phone.
@Suite(.serialized) struct DashboardActionsTests {
    static let token = "s3cret"
    static let auth = ["Authorization": "Bearer \(token)"]

    static func configuration(token: Bool) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if token { configuration.apiToken = Self.token }
        return configuration
    }

    /// Opens `path`; with `signIn`, through `/login` with the API token first, as a person
    /// on a monitor with a token does, so the page's actions go with the session cookie.
    static func open(_ monitor: LiveMonitor, _ path: String, signIn: Bool = false) async throws -> HeadlessBrowser {
        let start = signIn ? "/login?next=\(LoginRedirect.encode(path))" : path
        let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)\(start)")
        if signIn { try await Self.signIn(browser, path: path) }
        #expect(try await browser.waitUntil("document.getElementById('live')?.classList.contains('on') === true"))
        return browser
    }

    /// Types the token into the sign-in page the browser is on, and waits to be back at `path`.
    static func signIn(_ browser: HeadlessBrowser, path: String, key: String = token) async throws {
        #expect(try await browser.waitUntil("document.getElementById('login-key') !== null"))
        try await browser.evaluate(
            "document.getElementById('login-key').value = '\(key)'; document.getElementById('login-submit').click()")
        #expect(try await browser.waitUntil("location.pathname + location.search === '\(path)'"))
    }

    static func text(_ browser: HeadlessBrowser, _ selector: String) async throws -> String? {
        try await browser.evaluate("document.querySelector(\"\(selector)\")?.textContent.replace(/\\s+/g, ' ').trim()")
            as? String
    }

    static func paused(_ monitor: LiveMonitor, _ jobID: String) async throws -> Bool? {
        try await monitor.request("GET", "/jobs/\(jobID)").object()["paused"] as? Bool
    }

    @Test(arguments: [false, true]) func pauseAndResumeFromTheJobPage(withToken: Bool) async throws {
        try await LiveMonitor.with(configuration: Self.configuration(token: withToken)) { monitor in
            #expect(
                try await monitor.request(
                    "POST", "/jobs", json: ["job_id": "etl", "schedule": "@daily"], headers: Self.auth
                ).status == 201)
            let browser = try await Self.open(monitor, "/ui/jobs/etl", signIn: withToken)
            try await browser.evaluate("window.loadedOnce = true")
            #expect(try await Self.text(browser, "#job-action") == "Pause")
            try await browser.evaluate("document.getElementById('job-action').click()")
            #expect(try await browser.waitUntil("document.getElementById('job-action').textContent === 'Resume'"))
            #expect(try await Self.paused(monitor, "etl") == true)
            #expect(try await Self.text(browser, "#job-state") == "‖ paused")

            // The session is kept: resuming asks nothing.
            try await browser.evaluate("document.getElementById('job-action').click()")
            #expect(try await browser.waitUntil("document.getElementById('job-action').textContent === 'Pause'"))
            #expect(try await browser.evaluate("location.pathname") as? String != "/login")
            #expect(try await Self.paused(monitor, "etl") == false)
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")

            // An action the server refuses says why, in words.
            #expect(try await monitor.request("DELETE", "/jobs/etl", headers: Self.auth).status == 204)
            try await browser.evaluate(
                "document.getElementById('job-action').dataset.url = '/jobs/etl/pause'; document.getElementById('job-action').click()"
            )
            #expect(try await browser.waitUntil("document.getElementById('notice') !== null"))
            #expect(
                try await Self.text(browser, "#notice") == "Could not pause job etl: job 'etl' does not exist.")
        }
    }

    /// Snoozes from the job page (a custom duration and a reason), shown with who and
    /// until when, ended from the page; and a one-hour snooze from an alert's row.
    @Test(arguments: [false, true]) func snoozeFromTheJobPageAndTheAlertsList(withToken: Bool) async throws {
        try await LiveMonitor.with(configuration: Self.configuration(token: withToken)) { monitor in
            for id in ["etl", "other"] {
                _ = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": .string(id), "schedule": "@daily"], headers: Self.auth)
            }
            let browser = try await Self.open(monitor, "/ui/jobs/etl", signIn: withToken)
            try await browser.evaluate(
                """
                document.getElementById('snooze-for').value = 'custom';
                document.getElementById('snooze-for').dispatchEvent(new Event('change', {bubbles: true}));
                document.getElementById('snooze-custom').value = '90m';
                document.getElementById('snooze-reason').value = 'disk swap';
                document.querySelector('#snooze-form button[type=submit]').click();
                """)
            #expect(try await browser.waitUntil("document.getElementById('snoozed') !== null"))
            let job = try await monitor.request("GET", "/jobs/etl").object()
            #expect(job["snoozed_until"] as? String == "2026-11-28T07:30:00.000Z")
            #expect(job["snooze_reason"] as? String == "disk swap")
            let shown = try await Self.text(browser, "#snoozed") ?? ""
            #expect(shown.contains("Snoozed until") && shown.contains("disk swap"), "\(shown)")

            // A custom duration over 7 days is refused in the server's words.
            try await browser.evaluate(
                """
                document.getElementById('snooze-for').value = 'custom';
                document.getElementById('snooze-custom').value = '8d';
                document.querySelector('#snooze-form button[type=submit]').click();
                """)
            #expect(try await browser.waitUntil("document.getElementById('notice') !== null"))
            #expect((try await Self.text(browser, "#notice"))?.contains("at most 7 days") == true)

            try await browser.evaluate("document.getElementById('end-snooze').click()")
            #expect(try await browser.waitUntil("document.getElementById('snoozed') === null"))
            #expect(try await monitor.request("GET", "/jobs/etl").object()["snoozed_until"] is NSNull)

            // From the alerts list: other fails, and its row snoozes it for an hour.
            #expect(try await monitor.request("POST", "/jobs/other/fail").status == 200)
            let list = try await Self.open(monitor, "/ui/alerts", signIn: withToken)
            try await list.evaluate("document.querySelector('button.snooze-row').click()")
            #expect(
                try await list.waitUntil(
                    "document.getElementById('notice') === null && document.querySelector('button.snooze-row') !== null"
                ))
            for _ in 0..<50 {
                if try await monitor.request("GET", "/jobs/other").object()["snoozed_until"] is String { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(
                try await monitor.request("GET", "/jobs/other").object()["snoozed_until"] as? String
                    == "2026-11-28T07:00:00.000Z")
        }
    }

    /// Three jobs fail; the alerts list pauses one job, acknowledges one alert, then the
    /// ticked ones, then all shown.
    @Test(arguments: [false, true]) func theAlertsListPausesAndAcknowledgesOneOrMany(withToken: Bool) async throws {
        try await LiveMonitor.with(configuration: Self.configuration(token: withToken)) { monitor in
            for id in ["a", "b", "c", "d"] {
                _ = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": .string(id), "schedule": "@daily"], headers: Self.auth)
                #expect(try await monitor.request("POST", "/jobs/\(id)/fail").status == 200)
            }
            let alerts = try #require(
                try await monitor.request("GET", "/alerts?resolved=false").object()["alerts"] as? [[String: Any]])
            let ids = Dictionary(uniqueKeysWithValues: alerts.map { ($0["job_id"] as! String, $0["id"] as! Int) })
            let browser = try await Self.open(monitor, "/ui/alerts", signIn: withToken)
            try await browser.evaluate("window.loadedOnce = true")
            #expect(
                try await browser.evaluate("document.querySelectorAll('table.alerts input.select').length") as? Int == 4
            )

            // Pause a's job from its row.
            let row = "#alert-\(ids["a"]!)"
            #expect(try await Self.text(browser, "\(row) button.job-action") == "Pause job")
            try await browser.evaluate("document.querySelector('\(row) button.job-action').click()")
            #expect(
                try await browser.waitUntil(
                    "document.querySelector('\(row) button.job-action')?.textContent === 'Resume job'"))
            #expect(try await Self.paused(monitor, "a") == true)

            // Acknowledge b from its row (the token, if any, is saved by now).
            try await browser.evaluate("document.querySelector('#alert-\(ids["b"]!) button.ack').click()")
            #expect(try await browser.waitUntil("document.getElementById('alert-\(ids["b"]!)') === null"))
            #expect(try await browser.evaluate("location.pathname") as? String != "/login")

            // Tick c and d, acknowledge the selection.
            #expect(try await browser.evaluate("document.getElementById('ack-selected').disabled") as? Bool == true)
            for id in ["c", "d"] {
                try await browser.evaluate("document.querySelector('#alert-\(ids[id]!) input.select').click()")
            }
            #expect(try await Self.text(browser, "#ack-selected") == "Acknowledge selected (2)")
            try await browser.evaluate("document.getElementById('ack-selected').click()")
            #expect(
                try await browser.waitUntil("document.querySelectorAll('table.alerts tr[data-alert]').length === 1"))
            #expect(try await browser.evaluate("document.getElementById('notice') === null") as? Bool == true)
            let acknowledged = try await monitor.request("GET", "/alerts?acknowledged=true").object()
            #expect(
                Set((acknowledged["alerts"] as? [[String: Any]] ?? []).compactMap { $0["job_id"] as? String })
                    == ["b", "c", "d"])

            // "Acknowledge all shown" takes what is left.
            try await browser.evaluate("document.getElementById('ack-shown').click()")
            #expect(try await browser.waitUntil("document.querySelector('table.alerts .empty') !== null"))
            #expect(
                try await monitor.request("GET", "/alerts?acknowledged=false&resolved=false").object()["total"] as? Int
                    == 0)
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")
        }
    }

    /// Bulk acknowledging goes on past an alert that fails, and names it.
    @Test func bulkAcknowledgingSaysWhichFailed() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "a", "schedule": "@daily"])
            _ = try await monitor.request("POST", "/jobs/a/fail")
            let browser = try await Self.open(monitor, "/ui/alerts")
            // A row whose alert the server does not know, beside the real one.
            try await browser.evaluate(
                "{ const box = document.querySelector('table.alerts input.select').cloneNode(); box.value = '999999'; document.querySelector('table.alerts td').appendChild(box) }"
            )
            try await browser.evaluate("document.getElementById('ack-shown').click()")
            #expect(try await browser.waitUntil("document.getElementById('notice') !== null"))
            let notice = try #require(try await Self.text(browser, "#notice"))
            #expect(notice.hasPrefix("Acknowledged 1 of 2 alerts. Alert #999999: "), "\(notice)")
            #expect(notice.contains("999999") && notice.contains("not"), "\(notice)")
        }
    }

    /// Failed alerts give the exit code and message of the run and the streak; missed
    /// alerts since when the job is down and how many fire times it missed.
    @Test func alertsSayWhatHappened() async throws {
        try await LiveMonitor.with(clock: ManualClock("2026-11-28T05:00:00Z")) { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "backup", "schedule": "@daily"])
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "hourly", "schedule": "0 * * * *"])
            _ = try await monitor.request(
                "POST", "/jobs/backup/fail", json: ["exit_code": 2, "message": "first try"])
            _ = try await monitor.request(
                "POST", "/jobs/backup/end", json: ["exit_code": 3, "message": "<b>disk</b> full\nmore lines"])
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:05:00Z")!)
            try await monitor.engine.evaluate()

            let html = try await monitor.request("GET", "/ui/alerts").text
            #expect(html.contains("down since <time datetime=\"2026-11-28T06:00:00.000Z\""))
            #expect(html.contains(">2026-11-28 06:00 UTC</time>"), "readable without the script")

            let browser = try await Self.open(monitor, "/ui/alerts")
            let rows = try #require(
                try await browser.evaluate(
                    "Object.fromEntries(Array.from(document.querySelectorAll('table.alerts tr[data-alert]')).map(r => [r.querySelector('td:nth-child(3)').textContent.trim(), r.querySelector('.detail').textContent.replace(/\\s+/g, ' ').trim()]))"
                ) as? [String: String])
            let failed = try #require(rows["backup"])
            #expect(failed.hasPrefix("exit code 3: <b>disk</b> full more lines · 2 failed runs in a row"), "\(failed)")
            let missed = try #require(rows["hourly"])
            #expect(missed.hasPrefix("down since ") && missed.hasSuffix(" · 2 fire times missed"), "\(missed)")
            #expect(try await browser.evaluate("document.querySelectorAll('.detail b').length") as? Int == 0)

            // The job page says the same.
            let jobPage = try await monitor.request("GET", "/ui/jobs/backup").text
            #expect(jobPage.contains("<span class=\"exit-code\">exit code 3</span>"))
            #expect(jobPage.contains("2 failed runs in a row"))
        }
    }

    /// Every time people read is a <time> with the exact instant on hover, written as
    /// relative and local time in the browser's zone.
    @Test func timesAreRelativeAndLocalWithTheExactInstantOnHover() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request("POST", "/jobs", json: ["job_id": "etl", "schedule": "@hourly"])
            _ = try await monitor.request("POST", "/jobs/etl/start")
            monitor.clock.advance(by: 90)
            _ = try await monitor.request("POST", "/jobs/etl/fail")
            for path in ["/", "/ui/jobs/etl", "/ui/alerts"] {
                let browser = try await Self.open(monitor, path)
                let check = try #require(
                    try await browser.evaluate(
                        """
                        (() => {
                          const times = Array.from(document.querySelectorAll('main time'));
                          const wrong = times.filter(t => {
                            const date = new Date(t.getAttribute('datetime'));
                            const clock = date.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
                            return t.title !== t.getAttribute('datetime') || isNaN(date)
                              || !(t.hasAttribute('data-elapsed') || (/ ago \\(|^in |^just now/.test(t.textContent) && t.textContent.includes(clock)));
                          });
                          return [times.length, wrong.map(t => t.outerHTML).join(' ')];
                        })()
                        """) as? [Any])
                #expect((check[0] as? Int ?? 0) > 0, "\(path) shows times")
                #expect(check[1] as? String == "", "\(path): \(check[1])")
            }
        }
    }

    /// Under each state, what one asks next; and the search as one types.
    @Test func theJobListSaysSinceWhenAndSearchesAsOneTypes() async throws {
        try await LiveMonitor.with(clock: ManualClock("2026-11-28T05:59:00Z")) { monitor in
            for (id, extra) in [
                ("broken", ["description": "Nightly invoices"]), ("busy", ["tags": ["billing"]]),
                ("tardy", [String: JSONValue]()),
            ] as [(String, [String: JSONValue])] {
                var body: [String: JSONValue] = ["job_id": .string(id), "schedule": "0 6 * * *", "tolerance": 10]
                body.merge(extra) { _, new in new }
                _ = try await monitor.request("POST", "/jobs", json: .object(body))
            }
            _ = try await monitor.request("POST", "/jobs/broken/fail")
            _ = try await monitor.request("POST", "/jobs/busy/start")
            monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T06:02:00Z")!)
            try await monitor.engine.evaluate()

            let html = try await monitor.request("GET", "/").text
            #expect(
                html.contains("since <time datetime=\"2026-11-28T05:59:00.000Z\""), "failing since the alert opened")
            #expect(html.contains("for <time datetime=\"2026-11-28T05:59:00.000Z\""), "running for so long")
            #expect(html.contains("missed at <time datetime=\"2026-11-28T06:10:00.000Z\""), "late until its deadline")
            // The server's search looks in descriptions and tags too.
            #expect(try await monitor.request("GET", "/?q=invoices").text.contains("data-job=\"broken\""))
            #expect(try await monitor.request("GET", "/?q=BILLING").text.contains("data-job=\"busy\""))
            #expect(!(try await monitor.request("GET", "/?q=billing").text.contains("data-job=\"tardy\"")))

            let browser = try await Self.open(monitor, "/")
            #expect(try await Self.text(browser, "#job-broken .note")?.hasPrefix("since ") == true)
            #expect(try await Self.text(browser, "#job-tardy .note")?.hasPrefix("missed at ") == true)
            #expect(
                try await browser.evaluate(
                    "document.querySelector('#job-busy .note time').hasAttribute('data-elapsed')")
                    as? Bool == true)
            try await browser.evaluate("window.loadedOnce = true")
            func shown() async throws -> String? {
                try await browser.evaluate(
                    "Array.from(document.querySelectorAll('table.jobs tr[data-job]')).filter(r => !r.hidden).map(r => r.dataset.job).join(' ')"
                ) as? String
            }
            try await browser.evaluate(
                "{ const s = document.getElementById('job-search'); s.focus(); s.value = 'bill'; s.dispatchEvent(new Event('input', {bubbles: true})) }"
            )
            #expect(try await shown() == "busy", "filtered at once")
            #expect(try await browser.waitUntil("new URL(location.href).searchParams.get('q') === 'bill'"))
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await shown() == "busy", "and after the server's answer")
            #expect(try await browser.evaluate("document.getElementById('job-search').value") as? String == "bill")
            #expect(try await browser.evaluate("document.activeElement.id") as? String == "job-search")
            try await browser.evaluate(
                "{ const s = document.getElementById('job-search'); s.value = 'nightly'; s.dispatchEvent(new Event('input', {bubbles: true})) }"
            )
            #expect(
                try await browser.waitUntil(
                    "Array.from(document.querySelectorAll('table.jobs tr[data-job]')).map(r => r.dataset.job).join() === 'broken'"
                ))
            #expect(try await shown() == "broken")
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")

            // A row redrawn live keeps its note.
            try await browser.evaluate(
                "{ const s = document.getElementById('job-search'); s.value = ''; s.dispatchEvent(new Event('input', {bubbles: true})) }"
            )
            #expect(try await browser.waitUntil("document.querySelectorAll('table.jobs tr[data-job]').length === 3"))
            _ = try await monitor.request("POST", "/jobs/tardy/start")
            #expect(try await browser.waitUntil("document.querySelector('#job-tardy').dataset.state === 'running'"))
            #expect(
                try await browser.waitUntil(
                    "document.querySelector('#job-tardy .note')?.textContent.startsWith('for ') === true"))
        }
    }

    /// In a 400-pixel-wide frame (a phone), every value on the pages keeps its column's
    /// label beside it, nothing overflows sideways, and the chart's labels stay legible.
    @Test func onAPhoneEveryValueKeepsItsLabel() async throws {
        try await LiveMonitor.with { monitor in
            _ = try await monitor.request(
                "POST", "/jobs", json: ["job_id": "etl", "schedule": "@hourly", "max_runtime": 10, "tags": ["nightly"]])
            for exitCode in [0, 0, 3] {
                let start = try await monitor.request(
                    "POST", "/jobs/etl/start", json: ["client_info": ["hostname": "worker-01"]])
                let runID = try #require(try start.object()["run_id"] as? String)
                monitor.clock.advance(by: 240)
                _ = try await monitor.request(
                    "POST", "/jobs/etl/end",
                    json: [
                        "run_id": .string(runID), "exit_code": .number(JSONNumber(Double(exitCode))), "message": "m",
                    ])
            }
            let commit = "0123456789abcdef0123456789abcdef01234567"
            _ = try await monitor.store.applySync(
                files: [
                    DefinitionFile(path: "jobs.d/b.yaml", contents: Data("job_id: b\nschedule: \"@daily\"\n".utf8)),
                    DefinitionFile(
                        path: "jobs.d/hook.yaml",
                        contents: Data("channel: hook\ntype: webhook\nurl: http://127.0.0.1:9/hook\n".utf8)),
                ], source: SyncSource(repository: "/srv/jobs.git", ref: "main", commit: commit))
            for path in ["/", "/ui/jobs/etl", "/ui/alerts?state=all", "/ui/sync", "/ui/notifications"] {
                let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)\(path)")
                let ready = "document.querySelector('main') !== null && document.readyState === 'complete'"
                #expect(try await browser.waitUntil(ready))
                let loaded = try await browser.evaluate(
                    """
                    new Promise(done => {
                      window.phone = document.createElement('iframe');
                      phone.style.cssText = 'width: 400px; height: 900px; border: 0';
                      document.body.appendChild(phone);
                      // Listened for only now: the empty frame's own load came first, and the
                      // page's fetch may take longer than the wait after it.
                      fetch(location.href).then(r => r.text()).then(html => {
                        phone.onload = () => setTimeout(() => done(true), 300);
                        phone.srcdoc = html;
                      });
                    }).catch(error => String(error))
                    """)
                #expect(loaded as? Bool == true, "\(loaded ?? "nil")")
                let report = try #require(
                    try await browser.evaluate(
                        """
                        (() => {
                          const d = phone.contentDocument, w = phone.contentWindow;
                          const cells = Array.from(d.querySelectorAll('main td, main .runs summary .cell')).filter(c =>
                            c.textContent.trim() !== '' && !c.classList.contains('empty') && w.getComputedStyle(c).display !== 'none');
                          const unlabelled = cells.filter(c => {
                            const before = w.getComputedStyle(c, '::before');
                            const box = c.getBoundingClientRect();
                            return !c.dataset.label || before.content !== JSON.stringify(c.dataset.label)
                              || before.display === 'none' || before.visibility !== 'visible' || box.width === 0 || box.right > w.innerWidth + 1;
                          }).map(c => c.outerHTML.slice(0, 100));
                          const axis = d.querySelector('#duration-chart .axis-label');
                          return {
                            phone: w.innerWidth === 400 && w.matchMedia('(max-width: 720px)').matches, cells: cells.length,
                            unlabelled: unlabelled.join(' | '), overflow: d.documentElement.scrollWidth - w.innerWidth,
                            axisLabel: axis ? axis.getBoundingClientRect().height : -1
                          };
                        })()
                        """) as? [String: Any])
                #expect(report["phone"] as? Bool == true, "\(path)")
                #expect((report["cells"] as? Int ?? 0) > 0, "\(path) has values")
                #expect(report["unlabelled"] as? String == "", "\(path): \(report["unlabelled"] ?? "")")
                #expect(
                    (report["overflow"] as? Int ?? 1) <= 0, "\(path) scrolls sideways by \(report["overflow"] ?? "")")
                if path == "/ui/jobs/etl" {
                    let height = report["axisLabel"] as? Double ?? Double(report["axisLabel"] as? Int ?? 0)
                    #expect(height >= 10, "the chart's labels are \(height) px high")
                }
            }
        }
    }
}
