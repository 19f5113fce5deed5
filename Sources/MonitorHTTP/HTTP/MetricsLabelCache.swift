import MonitorDomain
import Synchronization

/// Each job's label prefix of `GET /metrics` (`{job_id="a",team="data"`), kept from one
/// scrape to the next while the job is unchanged.
///
/// Rendering a job's labels (sorting them, leaving out reserved names, escaping the
/// values) was half of writing a 10,000-job exposition's rows (docs/performance.md); a job
/// that did not change since the last scrape is the same value (the store keeps its jobs
/// in memory), so its prefix is copied instead.
final class MetricsLabelCache: Sendable {
    private struct Scrape {
        var jobs: [Job] = []
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
    }

    private let last = Mutex(Scrape())

    /// The prefixes of `jobs` (in SQLite's order of ids, as the store gives them), one
    /// after the other, and where each is; `render` makes those of jobs new or changed.
    func prefixes(of jobs: [Job], render: (Job, inout [UInt8]) -> Void) -> (bytes: [UInt8], ranges: [Range<Int>]) {
        let previous = last.withLock { $0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(previous.bytes.count)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(jobs.count)
        var index = previous.jobs.startIndex
        for job in jobs {
            // Both lists are in the same order: the previous one is walked once.
            while index < previous.jobs.endIndex,
                previous.jobs[index].jobID.utf8.lexicographicallyPrecedes(job.jobID.utf8)
            {
                index += 1
            }
            let start = bytes.count
            if index < previous.jobs.endIndex, previous.jobs[index] == job {
                bytes.append(contentsOf: previous.bytes[previous.ranges[index]])
            } else {
                render(job, &bytes)
            }
            ranges.append(start..<bytes.count)
        }
        let scrape = Scrape(jobs: jobs, bytes: bytes, ranges: ranges)
        last.withLock { $0 = scrape }
        return (bytes, ranges)
    }
}
