import Config
import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres

// The store alone, without HTTP: 64 concurrent callers each alternating startRun and
// endRun, as `scripts/bench-api` does over HTTP. It shows how much of the API's cost is
// the database (SQLite's single writer, group commit, fsync; or PostgreSQL's
// transactions). Every caller pings one job by default, or each its own of `jobs`.
// Usage: store-benchmark [operations, default 40000] [jobs, default 1] [database: a postgres:// URL, default a new SQLite file]
let arguments = CommandLine.arguments
let operations = arguments.count > 1 ? Int(arguments[1]) ?? 40_000 : 40_000
let jobs = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 1) : 1
let folder = NSTemporaryDirectory() + "cronicle-store-benchmark-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let database = arguments.count > 3 ? arguments[3] : folder + "/cronicle.db"
let store = try await StoreOpener.open(database)
let kind = StoreOpener.isServer(database) ? "PostgreSQL" : "SQLite"
let names = (0..<jobs).map { "bench-\($0)-\(UUID().uuidString.prefix(8))" }
for name in names {
    _ = try await store.saveJob(
        JobDefinition(jobID: name, schedule: "* * * * *"), by: ChangeAuthor("benchmark", via: .cli))
}
let workers = 64
let clock = ContinuousClock()
let started = clock.now
let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
    for worker in 0..<workers {
        group.addTask {
            let job = names[worker % names.count]
            var latencies: [Duration] = []
            latencies.reserveCapacity(operations / workers)
            for _ in 0..<(operations / workers / 2) {
                let before = clock.now
                _ = try await store.startRun(jobID: job, RunStart())
                let between = clock.now
                _ = try await store.endRun(jobID: job, RunEnd())
                latencies += [between - before, clock.now - between]
            }
            return latencies
        }
    }
    var all: [Duration] = []
    for try await some in group { all += some }
    return all.sorted()
}
let elapsed = clock.now - started
try store.close()
func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.2f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let done = latencies.count
print(
    "store (\(kind), \(jobs) job\(jobs == 1 ? "" : "s")): \(done) start/end writes from \(workers) callers in "
        + "\(String(format: "%.2f", seconds)) s = \(Int(Double(done) / seconds)) writes/s, "
        + "p50 \(milliseconds(latencies[done / 2])), p99 \(milliseconds(latencies[done * 99 / 100]))")
