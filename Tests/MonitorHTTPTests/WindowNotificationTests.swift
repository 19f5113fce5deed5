import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// `suppress` windows and the outbox (DESIGN 11.3), against a real webhook receiver on a
/// manual clock: an alert opened inside is told at the window's end if still open, and
/// a resolution is never held.
@Suite struct WindowNotificationTests {
    static let files = [
        ("jobs.d/billing.yaml", "job_id: billing\nschedule: \"@daily\"\nnotify: [hook]\ntags: [db]\n"),
        ("jobs.d/channels.yaml", NotificationDeliveryTests.webhook),
        (
            "jobs.d/windows.yaml",
            "window: db-upgrade\nstart: 2026-11-28T07:00:00Z\nend: 2026-11-28T09:00:00Z\nmatch: {tags: [db]}\n"
        ),
    ]

    static func apply(_ monitor: LiveMonitor) async throws {
        let report = try await monitor.store.applySync(
            files: files.map { DefinitionFile(path: $0.0, contents: Data($0.1.utf8)) },
            source: SyncSource(repository: "git@example.com:ops/jobs.git", ref: "main", commit: "abc"))
        #expect(report.failure == nil, "\(report.formatted())")
    }

    @Test func anAlertOpenedInASuppressWindowIsToldAtItsEndAndAResolveIsNeverHeld() async throws {
        try await WebhookReceiver.with { receiver in
            try await LiveMonitor.with(secrets: NotificationDeliveryTests.secrets(receiver)) { monitor in
                try await Self.apply(monitor)
                let ahead = try await monitor.request("GET", "/").text
                #expect(ahead.contains("<strong>Maintenance ahead: db-upgrade</strong>"), "the list's banner")
                #expect(ahead.contains("covers tags db; suppress: alerts open but are notified when it ends"))
                // 06:00, before the window: a failure is told at once.
                _ = try await monitor.request("POST", "/jobs/billing/fail")
                #expect(try await monitor.sender.sendDue() == 1)
                // 07:30, inside: its resolution is told (never held)...
                monitor.clock.advance(by: 5400)
                _ = try await monitor.request("POST", "/jobs/billing/end")
                #expect(try await monitor.sender.sendDue() == 1)
                let page = try await monitor.request("GET", "/ui/jobs/billing").text
                #expect(page.contains("<strong>In maintenance: db-upgrade</strong>"), "the job's page")
                // ...and a new failure opens, shows as suppressed, and waits.
                _ = try await monitor.request("POST", "/jobs/billing/fail", json: ["exit_code": 9])
                let open = try await monitor.request("GET", "/alerts?resolved=false").object()
                let alert = try #require((open["alerts"] as? [[String: Any]])?.first)
                #expect(alert["silenced"] as? String == "window:db-upgrade")
                monitor.clock.advance(by: 10)
                #expect(try await monitor.sender.sendDue() == 0)
                #expect(
                    try await monitor.request("GET", "/ui/alerts").text.contains(
                        #"<span class="held" title="not notified yet: told when this ends, if still open">held by window db-upgrade</span>"#
                    ))
                let windows = try await monitor.request("GET", "/windows").object()["windows"] as? [[String: Any]]
                #expect(windows?.first?["active"] as? Bool == true)
                #expect(windows?.first?["closes_at"] as? String == "2026-11-28T09:00:00.000Z")
                // 09:00: the window ends with the alert still open; it is told once.
                monitor.clock.set(ISO8601DateFormatter().date(from: "2026-11-28T09:00:00Z")!)
                #expect(try await monitor.sender.sendDue() == 1)
                monitor.clock.advance(by: 10)
                #expect(try await monitor.sender.sendDue() == 0)
                let events = try receiver.requests.map { try $0.object()["event"] as? String ?? "?" }
                #expect(events == ["alert_opened", "alert_resolved", "alert_opened"])
                #expect(try receiver.requests[2].object()["text"] as? String == "billing failed with exit code 9")
            }
        }
    }
}
