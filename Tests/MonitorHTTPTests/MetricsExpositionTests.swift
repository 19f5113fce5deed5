import Config
import Foundation
import MonitorDomain
import Testing

@testable import MonitorHTTP

/// `GET /metrics` sends the exposition in parts as it writes them: the parts must add up
/// to exactly what one piece would be, each about the size asked for.
@Suite struct MetricsExpositionTests {
    static func snapshot(jobs count: Int) -> MetricsSnapshot {
        let now = Date(timeIntervalSince1970: 1_764_309_600)
        let jobs = (0..<count).map { index in
            var definition = JobDefinition(jobID: String(format: "job_%05d", index), schedule: "*/15 * * * *")
            definition.labels = ["team": "team\(index % 7)", "tier": index % 3 == 0 ? "gold" : "silver"]
            let job = Job(definition: definition, createdAt: now, updatedAt: now, watchedSince: now)
            let status = JobStatus.derive(job: job, facts: JobStatus.Facts(failureStreak: index % 3), now: now)
            return JobMetrics(
                job: job, status: status,
                runs: JobMetrics.RunTotals(
                    succeeded: index, failed: index % 5, lastSuccess: now.addingTimeInterval(-Double(index)),
                    lastDurationSeconds: Double(index) / 8))
        }
        return MetricsSnapshot(
            jobs: jobs, pendingDeliveries: 4, oldestPendingDelivery: now, lastApplies: [.applied: now])
    }

    static func parts(of snapshot: MetricsSnapshot, partSize: Int, labels: MetricsLabelCache? = nil) -> [[UInt8]] {
        var exposition = MetricsExposition(snapshot, labels: labels, partSize: partSize)
        var parts: [[UInt8]] = []
        while exposition.writeNextPart() {
            parts.append(exposition.bytes)
            exposition.bytes.removeAll(keepingCapacity: true)
            if parts.count > 100_000 {
                Issue.record("the exposition never ends in parts of \(partSize) bytes")
                break
            }
        }
        let more = exposition.writeNextPart()
        #expect(!more, "once done, it stays done")
        return parts
    }

    @Test func thePartsAddUpToTheWholeExposition() throws {
        let snapshot = Self.snapshot(jobs: 1_000)
        let whole = Self.parts(of: snapshot, partSize: 1 << 40)
        #expect(whole.count == 1)
        let parts = Self.parts(of: snapshot, partSize: MetricsExposition.partSize)
        #expect(parts.count > 10)
        let wholeBytes = try #require(whole.first)
        // Compared as a Bool: a failure would print 2 MB of bytes otherwise.
        #expect(parts.joined().elementsEqual(wholeBytes), "the parts are not the whole")
        for part in parts.dropLast() {
            // A part ends after the job whose samples passed the size: nine status lines at most.
            #expect(part.count >= MetricsExposition.partSize && part.count < MetricsExposition.partSize + 2_048)
        }

        let text = String(decoding: wholeBytes, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("cronicle_job_status{") }.count == 1_000 * 9)
        #expect(lines.filter { $0.hasPrefix("cronicle_job_runs_total{") }.count == 1_000 * 2)
        #expect(lines.filter { $0.hasPrefix("# TYPE cronicle_job_status gauge") }.count == 1)
        #expect(
            lines.contains(#"cronicle_job_runs_total{job_id="job_00999",team="team5",tier="gold",result="failed"} 4"#)
        )
        #expect(lines.contains(#"cronicle_job_last_duration_seconds{job_id="job_00012",team="team5",tier="gold"} 1.5"#))
        #expect(lines.contains("cronicle_jobs 1000") && lines.contains("cronicle_notification_queue_depth 4"))
        #expect(lines.last == #"cronicle_sync_last_apply_timestamp_seconds{result="applied"} 1764309600"#)
    }

    /// Whatever the size of the parts, even smaller than a family's header, each family's
    /// header comes once and the parts add up to the whole.
    @Test func everyPartSizeGivesTheSameExposition() throws {
        let snapshot = Self.snapshot(jobs: 12)
        let whole = try #require(Self.parts(of: snapshot, partSize: 1 << 40).first)
        for partSize in [1, 2, 7, 50, 99, 100, 101, 250, 333, 1_000, 1_024, 4_096] {
            let parts = Self.parts(of: snapshot, partSize: partSize)
            #expect(parts.joined().elementsEqual(whole), "parts of \(partSize) bytes")
            #expect(parts.count > 1 && parts.count <= whole.count)
        }
        // And at the real size, a header that ends a part just before the family's samples.
        let text = String(decoding: whole, as: UTF8.self)
        let headerEnd = try #require(text.range(of: "# TYPE cronicle_job_paused gauge\n")).upperBound
        let partSize = text.utf8.distance(from: text.startIndex, to: headerEnd)
        let parts = Self.parts(of: snapshot, partSize: partSize)
        #expect(parts.joined().elementsEqual(whole))
    }

    /// Labels kept from the last scrape serve only jobs that did not change: a job whose
    /// labels changed, a new job and a job gone are written as a fresh exposition writes them.
    @Test func labelsKeptBetweenScrapesFollowEveryChange() throws {
        let cache = MetricsLabelCache()
        let first = Self.snapshot(jobs: 300)
        #expect(Self.parts(of: first, partSize: 1 << 40, labels: cache) == Self.parts(of: first, partSize: 1 << 40))
        var second = first
        second.jobs.remove(at: 7)
        second.jobs[20].job.definition.labels = ["team": "moved \"away\"", "zone": "b"]
        var added = first.jobs[0]
        added.job.definition.jobID = "job_00000a"
        second.jobs.insert(added, at: 1)
        let cached = String(decoding: Self.parts(of: second, partSize: 1 << 40, labels: cache)[0], as: UTF8.self)
        let fresh = String(decoding: Self.parts(of: second, partSize: 1 << 40)[0], as: UTF8.self)
        let same = cached == fresh  // a Bool, or a failure prints both expositions whole
        #expect(same, "the exposition with kept labels differs from a fresh one")
        #expect(cached.contains(#"cronicle_job_paused{job_id="job_00021",team="moved \"away\"",zone="b"} 0"#))
        #expect(cached.contains(#"{job_id="job_00000a",team="team0",tier="gold"} "#))
        #expect(!cached.contains(#"job_id="job_00007""#))
    }
}
