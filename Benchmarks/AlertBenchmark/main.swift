import Config
import Cron
import Foundation
import GRDB
import MonitorDomain
import MonitorEngine
import MonitorStorage
import MonitorStoragePostgres

// The alert engine watching 100,000 jobs in real time: how late it raises an alert
// after its deadline, the CPU it uses per wake-up and while idle, and its memory.
//
// 99,000 healthy jobs (hourly, daily, weekly and every-15-minutes schedules spread over
// the clock, 8 time zones, and 5,000 that fire every minute) have a start recorded for
// every fire time from the setup's start to past the measured window before it begins,
// so the engine checks each of their deadlines against the database and finds it met,
// and no ping traffic shares the CPU being measured. 1,000 unhealthy jobs fire every
// minute with 10 to 49 s of tolerance and never start: every minute, 1,000 deadlines
// pass, 25 in each second.
//
// With a third argument, that many maintenance windows are open for the whole window
// (recurring every minute for two hours), half `skip` and half `suppress`, each matching
// by tag and by job glob jobs that do not exist: every due deadline, and every alert
// opened, is checked against all of them, which is what they cost.
//
// With a PostgreSQL URL as fourth argument, the jobs are stored there instead, and as many
// alert engines as the fifth argument says (default 2) watch them at once, each on a store
// of its own, as nodes sharing the database do (docs/architecture.md: every engine checks
// every job, the job locks decide which raises an alert). The CPU figure is then the
// engines' together.
// Usage: alert-benchmark [seconds, default 130] [jobs, default 100000] [windows, default 0] [postgres-url] [engines, default 2]
let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 130 : 130
let total = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 100_000 : 100_000
let windowCount = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 0 : 0
let postgresURL = CommandLine.arguments.count > 4 ? CommandLine.arguments[4] : nil
let engineCount = postgresURL == nil ? 1 : CommandLine.arguments.count > 5 ? Int(CommandLine.arguments[5]) ?? 2 : 2
let unhealthy = total / 100
let folder = NSTemporaryDirectory() + "cronicle-alert-benchmark-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let path = folder + "/cronicle.db"

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

let zones = [
    "UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
    "Asia/Kolkata", "Pacific/Auckland",
]
var definitions: [JobDefinition] = []
for index in 0..<total {
    let minute = index % 60
    let hour = index / 60 % 24
    let schedule: String
    let tolerance: JobDuration
    if index < unhealthy {
        // Deadlines spread over 40 seconds of each minute.
        schedule = "* * * * *"
        tolerance = JobDuration(seconds: 10 + index % 40)
    } else {
        switch index % 20 {
        case 0: schedule = "* * * * *"
        case 1...8: schedule = "\(minute) * * * *"
        case 9...14: schedule = "\(minute) \(hour) * * *"
        case 15...18: schedule = "\(minute % 15)-59/15 * * * *"
        default: schedule = "\(minute) \(hour) * * \(index % 7)"
        }
        tolerance = JobDuration(seconds: 60 * (1 + index % 5))
    }
    definitions.append(
        JobDefinition(
            jobID: "job-\(index)", schedule: schedule, timezone: zones[index % zones.count], tolerance: tolerance))
}

let jobs = definitions
let store =
    if let postgresURL { try await StoreOpener.open(postgresURL) } else { try MonitorStore(path: path) }
/// Saves `jobs` through the store, 64 at a time.
func save(_ jobs: ArraySlice<JobDefinition>) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<64 {
            group.addTask {
                for index in stride(from: jobs.startIndex + worker, to: jobs.endIndex, by: 64) {
                    _ = try await store.saveJob(jobs[index], by: ChangeAuthor("benchmark", via: .cli))
                }
            }
        }
        try await group.waitForAll()
    }
}

let setupStarted = Date()
// On PostgreSQL the setup takes minutes (each save waits on the job-change lock), longer
// than the unhealthy jobs' first deadlines: they are saved once the engines run instead,
// as jobs added to a running monitor, so that their first incidents open in the window.
try await save(postgresURL == nil ? jobs[...] : jobs[unhealthy...])
let created = Date()
print(
    "setup: \(postgresURL == nil ? total : total - unhealthy) jobs saved through the store in \(String(format: "%.1f", created.timeIntervalSince(setupStarted))) s"
)

// A start at every fire time of the healthy jobs, from the setup's start (each job is
// watched from its creation during the setup, so a fire time between its creation and
// the setup's end is due too, a tolerance later, while the engine runs) until a minute
// past the window's end: the window starts after this, the engine's first evaluation and
// the windows' setup, and no healthy tolerance is under a minute.
let recordedThrough = Date().addingTimeInterval(seconds + 60)
var starts = 0
var startsDuringSetup = 0
var ahead: [(jobID: String, fireTime: Date)] = []
for definition in definitions[unhealthy...] {
    let schedule = CronSchedule(
        try CronExpression(definition.schedule!), timeZone: TimeZone(identifier: definition.timezone)!)
    var next = schedule.nextFireTime(after: setupStarted)
    while let fireTime = next, fireTime <= recordedThrough {
        ahead.append((definition.jobID, fireTime))
        starts += 1
        if fireTime <= created { startsDuringSetup += 1 }
        next = schedule.nextFireTime(after: fireTime)
    }
}
if postgresURL == nil {
    let writer = try DatabaseQueue(path: path)
    try writer.write { db in
        let insert = try db.makeStatement(
            sql: "INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES (?, ?, 'succeeded', ?, ?)")
        for (jobID, fireTime) in ahead {
            try insert.execute(arguments: [UUID().uuidString, jobID, fireTime, fireTime])
        }
    }
} else {
    for chunk in stride(from: 0, to: ahead.count, by: 5_000) {
        let part = Array(ahead[chunk..<min(chunk + 5_000, ahead.count)])
        try await store.write { session in
            for (jobID, fireTime) in part {
                try session.execute(
                    "INSERT INTO job_runs (run_id, job_id, status, start_time, end_time) VALUES (?, ?, 'succeeded', ?, ?)",
                    [.text(UUID().uuidString), .text(jobID), .date(fireTime), .date(fireTime)])
            }
        }
    }
}
print(
    "setup: \(starts) starts recorded ahead for the healthy jobs' fire times from the setup's start (\(startsDuringSetup) during the setup)"
)

if windowCount > 0 {
    guard postgresURL == nil else { fatalError("maintenance windows are measured on SQLite only") }
    try DatabaseQueue(path: path).write { db in
        for index in 0..<windowCount {
            let window = WindowDefinition(
                name: "maintenance-\(index)",
                timing: .recurring(schedule: "* * * * *", duration: JobDuration(seconds: 7200), timezone: "UTC"),
                match: ChannelDefinition.Match(tags: ["maintenance-\(index)"], jobs: ["maintenance-\(index)-*"]),
                mode: index.isMultiple(of: 2) ? .skip : .suppress)
            try db.execute(
                sql: "INSERT INTO windows (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    window.name, String(decoding: try JSONEncoder().encode(window), as: UTF8.self), created, created,
                ])
        }
    }
    print("setup: \(windowCount) maintenance windows open for the whole window, half skip and half suppress")
}

let memoryBefore = residentMegabytes()
var engines = [AlertEngine(store: store)]
for _ in 1..<engineCount { engines.append(AlertEngine(store: try await StoreOpener.open(postgresURL!))) }
let loadStarted = Date()
for engine in engines { try await engine.evaluate() }
let memoryLoaded = residentMegabytes()
print(
    "engine: \(engineCount) engine(s) loaded \(postgresURL == nil ? total : total - unhealthy) jobs in \(String(format: "%.2f", Date().timeIntervalSince(loadStarted))) s; resident memory \(String(format: "%.0f", memoryBefore)) MB before, \(String(format: "%.0f", memoryLoaded)) MB after"
)
if postgresURL != nil {
    let started = Date()
    try await save(jobs[..<unhealthy])
    print(
        "setup: the \(unhealthy) unhealthy jobs saved after the engines loaded the others, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
    )
}

// Deadlines that passed before the engine first ran (during a slow setup) are raised at
// its first evaluation, late by the setup's length: they are counted apart.
let engineStarted = loadStarted
let cpuStarted = cpuSeconds()
var evaluationsStarted = 0
for engine in engines { evaluationsStarted += await engine.evaluations }
let wallStarted = Date()
let services = engines.map { engine in Task { try await engine.run() } }
try await Task.sleep(for: .seconds(seconds))
for service in services { service.cancel() }
for service in services { _ = try? await service.value }
let wall = Date().timeIntervalSince(wallStarted)
let cpu = cpuSeconds() - cpuStarted
var wakeUps = -evaluationsStarted
for engine in engines { wakeUps += await engine.evaluations }

let rows = try await store.read { session in
    try session.fetchAll(
        """
        SELECT a.job_id, a.created_at, a.fire_time, c.tolerance_seconds FROM job_alerts a
        JOIN job_configs c USING (job_id) WHERE a.type = 'missed_job'
        """
    ).map { (try $0.text(0), try $0.date(1), try $0.date(2), try $0.int(3)) }
}
var latencies: [Double] = []
var healthyAlerts = 0
var beforeEngine = 0
for (jobID, createdAt, fireTime, tolerance) in rows {
    let deadline = fireTime.addingTimeInterval(Double(tolerance))
    // Every fire time of a healthy job has its start, whenever its deadline passed: any
    // alert for one is false.
    if Int(jobID.dropFirst(4))! >= unhealthy { healthyAlerts += 1 }
    if deadline < engineStarted {
        beforeEngine += 1
        continue
    }
    latencies.append(createdAt.timeIntervalSince(deadline))
}
if Date().addingTimeInterval(-60) > recordedThrough {
    print("warning: the window outlasted the starts recorded ahead; healthy jobs' late fire times were not covered")
}
latencies.sort()
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
}
print(
    "window: \(String(format: "%.0f", wall)) s, \(wakeUps) wake-ups, CPU \(String(format: "%.2f", cpu)) s = \(String(format: "%.2f", cpu / wall * 100))% of one core, \(String(format: "%.2f", cpu / Double(max(wakeUps, 1)) * 1000)) ms per wake-up; resident memory \(String(format: "%.0f", residentMegabytes())) MB"
)
print(
    "detection (\(engineCount) engine(s)): \(latencies.count) missed_job incidents opened for deadlines after the engine started (\(beforeEngine) more for deadlines during setup), latency after deadline p50 \(String(format: "%.1f", percentile(latencies, 0.5))) ms, p99 \(String(format: "%.1f", percentile(latencies, 0.99))) ms, max \(String(format: "%.1f", (latencies.last ?? .nan) * 1000)) ms; alerts for healthy jobs: \(healthyAlerts)"
)
