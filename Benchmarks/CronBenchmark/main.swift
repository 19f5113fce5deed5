import Cron
import Foundation

// Reads cases (expression<TAB>zone<TAB>start epoch seconds) from the file named by
// the first argument, computes `chain` successive fire times for each, and repeats
// the whole set until at least `seconds` have passed. Prints the rate on stderr-free
// stdout as JSON, plus every fire time computed in the first round, for the
// cross-check against cronsim.
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: cron-benchmark CASES.tsv [chain=50] [seconds=3]")
    exit(2)
}
let chain = arguments.count > 2 ? Int(arguments[2])! : 50
let minimumSeconds = arguments.count > 3 ? Double(arguments[3])! : 3

struct Case {
    let expression: String
    let zone: TimeZone
    let start: Date
}

let cases: [Case] = try String(contentsOfFile: arguments[1], encoding: .utf8)
    .split(separator: "\n")
    .map { line in
        let parts = line.split(separator: "\t").map(String.init)
        return Case(
            expression: parts[0], zone: TimeZone(identifier: parts[1])!,
            start: Date(timeIntervalSince1970: Double(parts[2])!))
    }

func runAll(recording: Bool) throws -> [[Int]] {
    var results: [[Int]] = []
    for item in cases {
        let schedule = CronSchedule(try CronExpression(item.expression), timeZone: item.zone)
        var cursor = item.start
        var fires: [Int] = []
        for _ in 0..<chain {
            guard let next = schedule.nextFireTime(after: cursor) else { break }
            if recording { fires.append(Int(next.timeIntervalSince1970)) }
            cursor = next
        }
        if recording { results.append(fires) }
    }
    return results
}

let firstRound = try runAll(recording: true)
var rounds = 0
let clock = ContinuousClock()
let started = clock.now
while (clock.now - started) < .seconds(minimumSeconds) {
    _ = try runAll(recording: false)
    rounds += 1
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let computations = rounds * cases.count * chain
let report: [String: Any] = [
    "engine": "Cronicle",
    "fire_times": computations,
    "seconds": seconds,
    "per_second": Double(computations) / seconds,
    "results": firstRound,
]
let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
