/// What a job stats window counts: runs and results, and runs per length bucket.
struct RunTally {
    var runs = 0
    var succeeded = 0
    var failed = 0
    var buckets: [Int64: Int] = [:]

    mutating func add(bucket: Int64, runs: Int, succeeded: Int, failed: Int) {
        self.runs += runs
        self.succeeded += succeeded
        self.failed += failed
        if bucket != MonitorStore.noLengthBucket { buckets[bucket, default: 0] += runs }
    }

    /// The lengths in seconds, each bucket's lower end (its length rounded down to three
    /// significant digits), with their counts, shortest first.
    func lengths() -> [(seconds: Double, count: Int)] {
        buckets.sorted { $0.key < $1.key }.map { (Double($0.key) / 1000, $0.value) }
    }
}
