import Config
import CronicleTestSupport
import Foundation
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorTestSupport
import Testing

/// `GET /metrics` read by Prometheus' own tools, and the examples in `examples/prometheus`
/// checked against what the server exports: `promtool` (Debian's `prometheus`, installed
/// by `scripts/install-deps --tests`) and the Python client's parser
/// (`scripts/check-metrics-exposition`, from PyPI).
@Suite struct PrometheusExamplesTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let promtool = URL(fileURLWithPath: "/usr/bin/promtool")

    struct CheckError: Error, CustomStringConvertible {
        let description: String
    }

    /// A scrape with every series there is: a synced job with labels that failed and
    /// notified a channel whose receiver is down (so a delivery was retried and waits),
    /// a job that succeeded once and then missed its fire time, an apply.
    static func fullExposition() async throws -> String {
        let secrets = ProcessSecrets(environment: ["OPS_HOOK_URL": "http://127.0.0.1:9/hook"])
        return try await LiveMonitor.with(secrets: secrets) { monitor in
            let files: JSONValue = [
                "source": ["repository": "git@example.com:ops/jobs.git", "ref": "main", "commit": "abc123"],
                "files": [
                    [
                        "path": "jobs.d/channels.yaml",
                        "contents": "channel: ops-hook\ntype: webhook\nurl: ${env:OPS_HOOK_URL}\n",
                    ],
                    [
                        "path": "jobs.d/billing.yaml",
                        "contents": """
                        job_id: invoices
                        schedule: "0 * * * *"
                        notify: [ops-hook]
                        labels: {team: billing, note: "a \\"quoted\\" word"}
                        ---
                        job_id: quiet
                        schedule: "0 * * * *"

                        """,
                    ],
                ],
            ]
            let applied = try await monitor.request("POST", "/sync/apply", json: files)
            guard applied.status == 200 else { throw CheckError(description: "apply: \(applied.text)") }
            _ = try await monitor.request("POST", "/jobs/quiet/start")
            _ = try await monitor.request("POST", "/jobs/quiet/end")
            _ = try await monitor.request("POST", "/jobs/invoices/start")
            monitor.clock.advance(by: 42)
            _ = try await monitor.request("POST", "/jobs/invoices/fail")
            monitor.clock.advance(by: 3_600)
            try await monitor.engine.evaluate()
            try await monitor.sender.sendDue()
            return try await monitor.request("GET", "/metrics").text
        }
    }

    /// Runs `executable`, failing the test with what it printed unless it succeeds.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> ProductRunner.Result {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            Issue.record("\(executable.path) is missing: run scripts/install-deps --tests")
            throw CheckError(description: "\(executable.path) is missing")
        }
        let result = try await ProductRunner.run(executable: executable, arguments)
        #expect(
            result.status == 0,
            "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed:\n\(result.standardOutput)\n\(result.standardError)"
        )
        return result
    }

    /// Every `cronicle_...` name in `text`.
    static func metricNames(in text: String) -> Set<String> {
        let pattern = try! Regex("cronicle_[a-z0-9_]+")
        return Set(text.matches(of: pattern).map { String(text[$0.range]) })
    }

    @Test func prometheusOwnParsersReadTheExposition() async throws {
        let text = try await Self.fullExposition()
        let folder = try TemporaryFolder()
        let file = folder.url("metrics.txt")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // promtool's linter reads the exposition as Prometheus scrapes it.
        _ = try await Self.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "\(Self.promtool.path) check metrics < '\(file)'"])
        // The Python client's parser: every sample, its labels unescaped, as we meant them.
        let parsed = try await Self.run(
            Self.root.appendingPathComponent("scripts/check-metrics-exposition"), [file])
        var samples: [ScrapedMetrics.Sample] = []
        for line in parsed.standardOutput.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            samples.append(
                ScrapedMetrics.Sample(
                    name: try #require(object["name"] as? String),
                    labels: try #require(object["labels"] as? [String: String]),
                    value: try #require((object["value"] as? NSNumber)?.doubleValue)))
        }
        let ours = try ScrapedMetrics(text).samples
        #expect(samples.count == ours.count)
        #expect(Set(samples) == Set(ours), "the Python parser reads what our own reader reads")
        #expect(samples.contains { $0.labels["note"] == "a \"quoted\" word" })
    }

    @Test func theRulesAreValidAndUseOnlyExportedSeries() async throws {
        let rules = Self.root.appendingPathComponent("examples/prometheus/cronicle-rules.yml")
        _ = try await Self.run(Self.promtool, ["check", "rules", rules.path])
        let exported = try ScrapedMetrics(try await Self.fullExposition()).sampleNames
        let named = Self.metricNames(in: try String(contentsOf: rules, encoding: .utf8))
        #expect(named.count >= 8)
        #expect(named.subtracting(exported).isEmpty, "not exported: \(named.subtracting(exported).sorted())")
    }

    @Test func theGrafanaDashboardQueriesOnlyExportedSeries() async throws {
        let data = try Data(
            contentsOf: Self.root.appendingPathComponent("examples/prometheus/grafana-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        #expect(expressions.count >= panels.count, "every panel queries something")
        let exported = try ScrapedMetrics(try await Self.fullExposition()).sampleNames
        let named = Self.metricNames(in: expressions.joined(separator: "\n"))
        #expect(named.count >= 10)
        #expect(named.subtracting(exported).isEmpty, "not exported: \(named.subtracting(exported).sorted())")
    }
}
