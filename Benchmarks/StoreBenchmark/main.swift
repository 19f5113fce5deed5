import Config
import Foundation
import MonitorDomain
import MonitorStorage

// The store alone, without HTTP: 64 concurrent callers each alternating startRun and
// endRun on one job, as `scripts/bench-api` does over HTTP. It shows how much of the
// API's cost is the database (its single writer, group commit, fsync).
// Usage: store-benchmark [operations, default 40000]
let operations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 40_000 : 40_000
let folder = NSTemporaryDirectory() + "cronicle-store-benchmark-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let store = try MonitorStore(path: folder + "/cronicle.db")
_ = try await store.saveJob(
    JobDefinition(jobID: "bench", schedule: "* * * * *"), by: ChangeAuthor("benchmark", via: .cli))
let workers = 64
let clock = ContinuousClock()
let started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for _ in 0..<workers {
        group.addTask {
            for _ in 0..<(operations / workers / 2) {
                _ = try await store.startRun(jobID: "bench", RunStart())
                _ = try await store.endRun(jobID: "bench", RunEnd())
            }
        }
    }
    try await group.waitForAll()
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let done = operations / workers / 2 * workers * 2
print(
    "store: \(done) start/end writes from \(workers) callers in \(String(format: "%.2f", seconds)) s = \(Int(Double(done) / seconds)) writes/s"
)
