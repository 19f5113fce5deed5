import Config
import CronicleTestSupport
import Foundation
import Testing

@testable import MonitorStorage

/// The index of windows by tag and glob prefix against `WindowDefinition.covers`, the
/// plain definition, on random windows and jobs: the two must always agree.
@Suite struct WindowIndexTests {
    @Test func theIndexFindsExactlyTheWindowsThatCoverEachJob() {
        var random = SeededGenerator(seed: 16)
        let tags = ["db", "web", "prod", "billing", "eu"]
        let globs = [
            "billing_*", "*_report", "db?", "db[12]*", "etl.*.daily", "*", "parcel_*", "a\\*b", "exact_job", "b*",
            "[ab]*", "*x*",
        ]
        let ids = [
            "billing_eu", "billing_", "weekly_report", "db1", "db2", "db12", "dbx", "etl.orders.daily", "parcel_7",
            "a*b", "axb", "exact_job", "exact_jobs", "box", "zz", "x",
        ]
        for _ in 0..<200 {
            var windows: [WindowDefinition] = []
            for index in 0..<Int.random(in: 1...12, using: &random) {
                let match: ChannelDefinition.Match? =
                    Int.random(in: 0..<6, using: &random) == 0
                    ? nil
                    : ChannelDefinition.Match(
                        tags: (0..<Int.random(in: 0...2, using: &random)).map { _ in tags.randomElement(using: &random)!
                        },
                        jobs: (0..<Int.random(in: 0...2, using: &random)).map { _ in
                            globs.randomElement(using: &random)!
                        })
                windows.append(
                    WindowDefinition(
                        name: "w\(index)", timing: .once(start: .distantPast, end: .distantFuture), match: match))
            }
            let set = MonitorStore.WindowSet(version: "1", windows: windows)
            for id in ids {
                var job = JobDefinition(jobID: id, schedule: "@daily")
                job.tags = (0..<Int.random(in: 0...2, using: &random)).map { _ in tags.randomElement(using: &random)! }
                let expected = windows.indices.filter { windows[$0].covers(job) }
                #expect(set.covering(job) == expected, "\(id) \(job.tags) in \(windows.map(\.match))")
            }
        }
    }
}
