import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorHTTP
import MonitorStorage
import MonitorTestSupport
import SyncClient
import Testing

/// The dashboard's job list in headless Chromium against a live server: what it shows,
/// that data from clients and files stays text, and that it follows the monitor live.
@Suite(.serialized) struct DashboardTests {
    static func seed(_ monitor: LiveMonitor) async throws {
        for (id, schedule, extra) in [
            ("backup", "0 * * * *", [String: JSONValue]()), ("report", "@daily", [:]), ("quiet", "0 12 * * *", [:]),
            ("holiday", "@hourly", ["paused": true]),
            ("xss", "0 12 * * *", ["description": "<img src=x onerror=window.pwned=1>", "tags": ["<b>t</b>"]]),
        ] {
            var body: [String: JSONValue] = ["job_id": .string(id), "schedule": .string(schedule)]
            body.merge(extra) { _, new in new }
            #expect(try await monitor.request("POST", "/jobs", json: .object(body)).status == 201)
        }
        _ = try await monitor.request("POST", "/jobs/report/start")
        _ = try await monitor.request("POST", "/jobs/report/fail")
        monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T07:01:00Z")!)
        try await monitor.engine.evaluate()
    }

    @Test func theJobListShowsStatusesEscapesDataAndFollowsTheMonitorLive() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.seed(monitor)
            let page = try await monitor.request("GET", "/")
            #expect(page.status == 200)
            #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
            #expect(!page.text.contains("<script>"), "no inline script")

            let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(monitor.port)/")
            #expect(
                try await browser.waitUntil(
                    "document.readyState === 'complete' && document.querySelector('tbody') !== null"))
            let order = try await browser.evaluate(
                "Array.from(document.querySelectorAll('tbody tr')).map(r => r.dataset.job + ':' + r.dataset.state).join(' ')"
            )
            #expect(order as? String == "backup:missed report:failed quiet:new xss:new holiday:paused")
            #expect(try await browser.evaluate("document.getElementById('count-missed').textContent") as? String == "1")
            #expect(
                try await browser.evaluate("document.querySelector('#job-backup .badge').textContent.trim()") as? String
                    == "⚠ missed", "colour plus a word and an icon")

            // Data from files and clients stays text.
            #expect(
                try await browser.evaluate("document.querySelector('#job-xss .description').textContent") as? String
                    == "<img src=x onerror=window.pwned=1>")
            #expect(
                try await browser.evaluate("document.querySelectorAll('#job-xss img, #job-xss b').length") as? Int == 0)
            #expect(try await browser.evaluate("typeof window.pwned") as? String == "undefined")

            // A start shows up on the open page, without a reload.
            #expect(try await browser.waitUntil("document.getElementById('live').classList.contains('on')"))
            #expect(
                try await browser.evaluate("document.querySelector('#job-quiet').dataset.state") as? String == "new")
            #expect(
                try await browser.evaluate("document.querySelector('#job-quiet .last-run').textContent") as? String
                    == "never")
            try await browser.evaluate("window.loadedOnce = true")
            #expect(try await monitor.request("POST", "/jobs/quiet/start").status == 201)
            #expect(try await browser.waitUntil("document.querySelector('#job-quiet').dataset.state === 'running'"))
            #expect(
                try await browser.evaluate("document.getElementById('count-running').textContent") as? String == "1")
            #expect(
                try await browser.evaluate("document.querySelector('#job-quiet .badge').textContent.trim()") as? String
                    == "▶ running")
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "the page was not reloaded")

            // A job made meanwhile joins the list, and the counts follow.
            #expect(
                try await monitor.request("POST", "/jobs", json: ["job_id": "fresh", "schedule": "@daily"]).status
                    == 201)
            #expect(try await browser.waitUntil("document.getElementById('job-fresh') !== null"))
            #expect(try await browser.evaluate("document.getElementById('count-all').textContent") as? String == "6")
            #expect(try await browser.evaluate("window.loadedOnce") as? Bool == true, "still not reloaded")

            // The theme toggle is remembered.
            try await browser.evaluate("document.getElementById('theme-toggle').click()")
            let theme = try await browser.evaluate("document.documentElement.dataset.theme") as? String
            #expect(theme == "dark" || theme == "light")
            #expect(try await browser.evaluate("localStorage.getItem('cronicle-theme')") as? String == theme)
        }
    }

    @Test func filtersSearchAndPages() async throws {
        try await LiveMonitor.with { monitor in
            try await Self.seed(monitor)
            func rows(_ path: String) async throws -> [String] {
                let text = try await monitor.request("GET", path).text
                return text.components(separatedBy: "data-job=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            }
            #expect(try await rows("/?status=failed") == ["report"])
            #expect(try await monitor.request("GET", "/?status=failed").text.contains(#"name="status" value="failed""#))
            #expect(!(try await monitor.request("GET", "/").text.contains(#"name="status""#)), "no empty status filter")
            #expect(try await rows("/?q=RE") == ["report"])
            #expect(try await rows("/?tag=%3Cb%3Et%3C/b%3E") == ["xss"])
            #expect(try await monitor.request("GET", "/?status=bogus").status == 400)
            for index in 0..<150 {
                _ = try await monitor.request(
                    "POST", "/jobs", json: ["job_id": .string("bulk\(index)"), "schedule": "@daily"])
            }
            #expect(try await rows("/").count == 100)
            #expect(try await rows("/?page=2").count == 55)
            #expect(try await monitor.request("GET", "/?page=2").text.contains("page 2 of 2 · 101–155 of 155 jobs"))
        }
    }

    @Test func staticFilesAndEvents() async throws {
        try await LiveMonitor.with { monitor in
            let css = try await monitor.request("GET", "/static/app.css")
            #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8")
            #expect(try await monitor.request("GET", "/static/nothing.js").status == 404)
        }
    }
}
