import Config
import Foundation
import GRDB
import MonitorDomain
import MonitorEngine
import MonitorStorage

// The alert engine catching up after downtime while pings keep arriving: 300 jobs that
// fire every minute were last checked 7 days ago (the monitor was down), so about three
// million fire times are due at once. One caller records a start every 2 ms meanwhile;
// what counts is how long those pings wait behind the catch-up, and how long it takes.
// Usage: catch-up-benchmark [jobs, default 300] [days down, default 7]
let jobCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 300 : 300
let days = CommandLine.arguments.count > 2 ? Double(CommandLine.arguments[2]) ?? 7 : 7
let folder = NSTemporaryDirectory() + "cronicle-catch-up-benchmark-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let path = folder + "/cronicle.db"

let setup = try MonitorStore(path: path)
for index in 0..<jobCount {
    _ = try await setup.saveJob(
        JobDefinition(jobID: "minutely-\(index)", schedule: "* * * * *"), by: ChangeAuthor("benchmark", via: .cli))
}
_ = try await setup.saveJob(
    JobDefinition(jobID: "pinger", schedule: "0 0 1 1 *"), by: ChangeAuthor("benchmark", via: .cli))
try setup.close()
// Watched, and checked, since the downtime began.
let downSince = Date().addingTimeInterval(-days * 86_400)
let writer = try DatabaseQueue(path: path)
try writer.write { db in
    try db.execute(sql: "UPDATE job_configs SET watched_since = ?, created_at = ?", arguments: [downSince, downSince])
    try db.execute(
        sql: "INSERT OR REPLACE INTO monitor_state (key, value) VALUES ('alerts_checked_through', ?)",
        arguments: [downSince])
}

let store = try MonitorStore(path: path)
let engine = AlertEngine(store: store)
let clock = ContinuousClock()
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
actor Flag {
    var value = false
    func set() { value = true }
}
let catchingUpDone = Flag()
let catchingUp = Task {
    let started = clock.now
    var missed = 0
    var evaluations = 0
    repeat {
        let outcome = try await engine.evaluate()
        evaluations += 1
        missed += outcome.missedFireTimes
        if outcome.missedFireTimes == 0 && evaluations > 1 { break }
    } while true
    return (clock.now - started, missed, evaluations)
}
let pinging = Task {
    var latencies: [Double] = []
    while true {
        let started = clock.now
        _ = try await store.startRun(jobID: "pinger", RunStart())
        latencies.append(milliseconds(clock.now - started))
        if latencies.count % 50 == 0, await catchingUpDone.value { break }
        try await Task.sleep(for: .milliseconds(2))
    }
    return latencies
}
let (elapsed, missed, evaluations) = try await catchingUp.value
await catchingUpDone.set()
let latencies = try await pinging.value.sorted()
let alerts = try writer.read { db in
    try Row.fetchOne(db, sql: "SELECT COUNT(*), SUM(missed_count) FROM job_alerts WHERE type = 'missed_job'")!
}
func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
print(
    "catch-up: \(jobCount) jobs down \(days) days, \(missed) missed fire times recorded in \(String(format: "%.2f", milliseconds(elapsed) / 1000)) s over \(evaluations) evaluations; \(alerts[0] as Int) incidents, missed_count total \(alerts[1] as Int? ?? 0)"
)
print(
    "pings meanwhile: \(latencies.count), latency p50 \(String(format: "%.1f", percentile(0.5))) ms, p99 \(String(format: "%.1f", percentile(0.99))) ms, max \(String(format: "%.1f", latencies.last ?? .nan)) ms"
)
