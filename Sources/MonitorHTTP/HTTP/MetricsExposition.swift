import Config
import Foundation
import MonitorDomain

/// `GET /metrics` in the Prometheus text format, version 0.0.4 (DESIGN 13): every job's
/// series, labelled `job_id` plus the job's `labels`, then the monitor's own.
///
/// The job series are written here by hand rather than through swift-prometheus'
/// registry: a registry keeps long-lived collectors, so exporting 10,000 jobs' states
/// through it would register, set and unregister some 150,000 gauges under its lock at
/// every scrape, and drop no series of a deleted job by itself. Each scrape instead
/// renders one ``MetricsSnapshot`` straight into bytes, each job's labels once, in parts
/// of about ``partSize`` bytes that the response sends while the next is written: a
/// scrape of 10,000 jobs is 20 MB, which built whole and then copied into the response
/// cost a sixth of its time in the copy and in page faults (docs/performance.md). The
/// monitor's counters and histogram (``MonitorMetrics``) do live in the library's registry.
///
/// ```swift
/// var exposition = MetricsExposition(try await store.metricsSnapshot())
/// while exposition.writeNextPart() { send(exposition.bytes); exposition.bytes.removeAll(keepingCapacity: true) }
/// monitorMetrics.emit(into: &exposition.bytes)
/// ```
struct MetricsExposition {
    /// The media type of the format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// About how many bytes ``writeNextPart()`` writes at a time, unless told otherwise.
    static let partSize = 64 * 1024

    /// What is written and not yet taken.
    var bytes: [UInt8] = []

    /// One job's values, taken from its ``JobMetrics`` once: each family then walks these
    /// small rows instead of copying every job's whole status once per family. Plain
    /// values only, so walking them retains nothing; the labels are kept apart.
    private struct JobRow: Sendable {
        /// The job's state, by its position in `JobStatus.State.allCases`.
        var stateIndex: Int
        var paused: Bool
        var openAlerts: Int
        var consecutiveFailures: Int
        var lastStart: Date?
        var lastSuccess: Date?
        var lastFailure: Date?
        var nextExpected: Date?
        var deadline: Date?
        var expectedInterval: Double?
        var lastDuration: Double?
        var succeeded: Int
        var failed: Int

        init(_ job: borrowing JobMetrics) {
            stateIndex = JobStatus.State.allCases.firstIndex(of: job.status.state) ?? 0
            paused = job.job.isPaused
            openAlerts = job.status.openAlerts.count
            consecutiveFailures = job.status.failureStreak
            lastStart = job.status.lastRun?.startTime
            lastSuccess = job.runs.lastSuccess
            lastFailure = job.runs.lastFailure
            nextExpected = job.status.nextFireTime
            deadline = job.status.deadline
            expectedInterval = job.expectedIntervalSeconds
            lastDuration = job.runs.lastDurationSeconds
            succeeded = job.runs.succeeded
            failed = job.runs.failed
        }
    }

    /// A family of per-job series: its header, and what one job's samples are.
    private struct JobFamily: Sendable {
        enum Samples: Sendable {
            /// One sample per job that has a value; a job without one has none, as
            /// Prometheus prefers to a made-up zero.
            case gauge(@Sendable (JobRow) -> Double?)
            case timestamp(@Sendable (JobRow) -> Date?)
            /// `cronicle_job_status`: one sample per state, 1 for the job's own.
            case oneHotStatus
            /// `cronicle_job_runs_total`: one sample per result.
            case runTotals
        }

        var name: [UInt8]
        var kind: Kind
        var help: String
        var samples: Samples

        init(_ name: String, _ kind: Kind, _ help: String, _ samples: Samples) {
            self.name = Array(name.utf8)
            self.kind = kind
            self.help = help
            self.samples = samples
        }

        init(_ name: String, _ help: String, _ samples: Samples) {
            self.init(name, .gauge, help, samples)
        }
    }

    private static let jobFamilies: [JobFamily] = [
        JobFamily(
            "cronicle_job_status", .gauge,
            "1 for the job's current status, 0 for the others (paused, long_running, missed, failed, too_fast, "
                + "late, running, ok, new), as GET /jobs/{job_id}/status derives it.", .oneHotStatus),
        JobFamily(
            "cronicle_job_paused", "1 while the job is paused (by its definition or an operator), else 0.",
            .gauge({ Double($0.paused ? 1 : 0) })),
        JobFamily(
            "cronicle_job_open_alerts", "The job's alerts that are not resolved yet.", .gauge({ Double($0.openAlerts) })
        ),
        JobFamily(
            "cronicle_job_consecutive_failures", "Failed runs in a row, the latest included; 0 after a success.",
            .gauge({ Double($0.consecutiveFailures) })),
        JobFamily(
            "cronicle_job_last_start_timestamp_seconds", "When the job's newest run started (Unix time).",
            .timestamp({ $0.lastStart })),
        JobFamily(
            "cronicle_job_last_success_timestamp_seconds", "When the job's latest successful run ended (Unix time).",
            .timestamp({ $0.lastSuccess })),
        JobFamily(
            "cronicle_job_last_failure_timestamp_seconds", "When the job's latest failed run ended (Unix time).",
            .timestamp({ $0.lastFailure })),
        JobFamily(
            "cronicle_job_next_expected_timestamp_seconds",
            "The job's next expected time (fire time, or last ping plus every), before tolerance (Unix time).",
            .timestamp({ $0.nextExpected })),
        JobFamily(
            "cronicle_job_deadline_timestamp_seconds",
            "The latest instant the awaited run may start before it is missed: expected time plus tolerance.",
            .timestamp({ $0.deadline })),
        JobFamily(
            "cronicle_job_expected_interval_seconds",
            "Seconds between the job's next two expected times (its every, or the cron schedule's gap).",
            .gauge({ $0.expectedInterval })),
        JobFamily(
            "cronicle_job_last_duration_seconds", "How long the job's latest run to end lasted.",
            .gauge({ $0.lastDuration })),
        JobFamily(
            "cronicle_job_runs_total", .counter,
            "The job's runs that ended, by result; counted as they end, so removing old runs does not lower it.",
            .runTotals),
    ]

    private let snapshot: MetricsSnapshot
    private let jobs: [JobRow]
    /// Every job's `{job_id="a",team="data"`, one after the other, and where each is:
    /// its labels, escaped once and shared by its series.
    private let labelBytes: [UInt8]
    private let labelRanges: [Range<Int>]
    /// The family and the job ``writeNextPart()`` goes on from.
    private var familyIndex = 0
    private var jobIndex = 0
    /// Whether the current family's `# HELP` and `# TYPE` lines are written: a part can
    /// end right after them, before the family's first sample.
    private var headerWritten = false
    private let partSize: Int

    /// The ends of samples' labels, made once and written from one buffer: `} ` when a
    /// sample adds no label, `,status="ok"} ` per state (in `State.allCases` order), and
    /// `,result="succeeded"} ` and `,result="failed"} `.
    private struct Suffixes {
        var bytes: [UInt8] = []
        var closingBrace: Range<Int> = 0..<0
        var states: [Range<Int>] = []
        var succeeded: Range<Int> = 0..<0
        var failed: Range<Int> = 0..<0

        static let shared: Suffixes = {
            var suffixes = Suffixes()
            func add(_ suffix: [UInt8]) -> Range<Int> {
                let start = suffixes.bytes.count
                suffixes.bytes.append(contentsOf: suffix)
                return start..<suffixes.bytes.count
            }
            suffixes.closingBrace = add(Array("} ".utf8))
            suffixes.states = JobStatus.State.allCases.map { add(MetricsExposition.labelSuffix("status", $0.rawValue)) }
            suffixes.succeeded = add(MetricsExposition.labelSuffix("result", JobRun.Status.succeeded.rawValue))
            suffixes.failed = add(MetricsExposition.labelSuffix("result", JobRun.Status.failed.rawValue))
            return suffixes
        }()
    }

    /// The exposition of `snapshot`; with `labels`, each job's labels are taken from the
    /// last scrape while the job is unchanged.
    init(_ snapshot: MetricsSnapshot, labels: MetricsLabelCache? = nil, partSize: Int = Self.partSize) {
        self.snapshot = snapshot
        self.partSize = partSize
        jobs = snapshot.jobs.map(JobRow.init)
        // Without a cache of its own (one exposition alone), a new one renders every job.
        (labelBytes, labelRanges) = (labels ?? MetricsLabelCache()).prefixes(
            of: snapshot.jobs.map(\.job), render: Self.appendLabelPrefix)
        bytes.reserveCapacity(min(partSize, Self.partSize) + 4_096)
    }

    /// Writes the next part of the exposition, about `partSize` bytes, after what
    /// ``bytes`` holds; false once everything was written (the registry's series are
    /// the caller's to add).
    mutating func writeNextPart() -> Bool {
        guard familyIndex <= Self.jobFamilies.count else { return false }
        let end = bytes.count + partSize
        // Names, labels and suffixes are copied from buffers borrowed once per part: taking
        // them as arrays per sample retained and released each one, 210,000 times a scrape.
        let labelBytes = self.labelBytes
        let suffixes = Suffixes.shared
        while familyIndex < Self.jobFamilies.count, bytes.count < end {
            let current = Self.jobFamilies[familyIndex]
            if !headerWritten {
                header(current.name, current.kind, current.help)
                headerWritten = true
            }
            labelBytes.withUnsafeBufferPointer { labels in
                current.name.withUnsafeBufferPointer { name in
                    suffixes.bytes.withUnsafeBufferPointer { suffixBytes in
                        let lines = SampleLines(name: name, labels: labels, suffixes: suffixBytes)
                        while jobIndex < jobs.count, bytes.count < end {
                            samples(of: current.samples, jobIndex, lines, suffixes)
                            jobIndex += 1
                        }
                    }
                }
            }
            if jobIndex == jobs.count {
                familyIndex += 1
                jobIndex = 0
                headerWritten = false
            }
        }
        if familyIndex == Self.jobFamilies.count, bytes.count < end {
            appendMonitorSeries()
            familyIndex += 1
        }
        return true
    }

    /// A family's name and the buffers of labels and suffixes, borrowed for one part.
    private struct SampleLines {
        var name: UnsafeBufferPointer<UInt8>
        var labels: UnsafeBufferPointer<UInt8>
        var suffixes: UnsafeBufferPointer<UInt8>
    }

    private mutating func samples(
        of samples: JobFamily.Samples, _ index: Int, _ lines: SampleLines, _ suffixes: Suffixes
    ) {
        let row = jobs[index]
        let labels = labelRanges[index]
        switch samples {
        case .oneHotStatus:
            for (state, suffix) in suffixes.states.enumerated() {
                sample(lines, labels, suffix)
                bytes.append(row.stateIndex == state ? UInt8(ascii: "1") : UInt8(ascii: "0"))
                bytes.append(0x0A)
            }
        case .runTotals:
            sample(lines, labels, suffixes.succeeded)
            integer(row.succeeded)
            sample(lines, labels, suffixes.failed)
            integer(row.failed)
        case .gauge(let value):
            guard let value = value(row) else { return }
            sample(lines, labels, suffixes.closingBrace)
            if value == value.rounded(), abs(value) < 1e15 {
                integer(Int(value))
            } else {
                append(value.description)
                bytes.append(0x0A)
            }
        case .timestamp(let value):
            guard let date = value(row) else { return }
            sample(lines, labels, suffixes.closingBrace)
            seconds(date)
            bytes.append(0x0A)
        }
    }

    /// The series the snapshot holds for the monitor itself.
    private mutating func appendMonitorSeries() {
        family("cronicle_jobs", .gauge, "Jobs the monitor watches.")
        line("cronicle_jobs \(jobs.count)")
        family("cronicle_notification_queue_depth", .gauge, "Notification deliveries waiting to be sent or retried.")
        line("cronicle_notification_queue_depth \(snapshot.pendingDeliveries)")
        if let oldest = snapshot.oldestPendingDelivery {
            family(
                "cronicle_notification_oldest_pending_timestamp_seconds", .gauge,
                "When the oldest delivery still waiting was queued (Unix time); absent when none waits.")
            append("cronicle_notification_oldest_pending_timestamp_seconds ")
            seconds(oldest)
            bytes.append(0x0A)
        }
        if !snapshot.lastApplies.isEmpty {
            family(
                "cronicle_sync_last_apply_timestamp_seconds", .gauge,
                "When the latest apply of each result (applied, failed) was recorded (Unix time).")
            for (result, date) in snapshot.lastApplies.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                append("cronicle_sync_last_apply_timestamp_seconds{result=\"\(result.rawValue)\"} ")
                seconds(date)
                bytes.append(0x0A)
            }
        }
    }

    // MARK: - Families

    enum Kind: String {
        case gauge
        case counter
    }

    private mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        append("# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n")
    }

    private mutating func header(_ name: [UInt8], _ kind: Kind, _ help: String) {
        family(String(decoding: name, as: UTF8.self), kind, help)
    }

    // MARK: - Lines

    /// `name`, the job's `{job_id="a",team="data"` (from ``labelBytes``), then `suffix`: `} ` or a label's
    /// `,status="ok"} `. A scrape of 10,000 jobs writes 210,000 samples: each is copied
    /// from bytes made once, with no string made per sample.
    private mutating func sample(_ lines: SampleLines, _ labels: Range<Int>, _ suffix: Range<Int>) {
        bytes.append(contentsOf: lines.name)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: lines.labels[labels]))
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: lines.suffixes[suffix]))
    }

    /// `,label="value"} `.
    private static func labelSuffix(_ label: String, _ value: String) -> [UInt8] {
        var suffix = Array(",\(label)=\"".utf8)
        appendEscaped(value, to: &suffix)
        suffix.append(contentsOf: "\"} ".utf8)
        return suffix
    }

    private mutating func integer(_ value: Int) {
        digits(value)
        bytes.append(0x0A)
    }

    /// `value` in decimal, written straight into the exposition.
    private mutating func digits(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        guard rest > 0 else { return bytes.append(UInt8(ascii: "0")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var start = buffer.count
            while rest > 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Unix time in seconds, to the millisecond the store keeps: `1764309600.123`.
    private mutating func seconds(_ date: Date) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (whole, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if milliseconds < 0 { return append(String(Double(milliseconds) / 1000)) }
        digits(Int(whole))
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    private mutating func line(_ text: String) {
        append(text)
        bytes.append(0x0A)
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: - Labels

    /// `{job_id="a",team="data"`: the job's id, then its labels by name. A label named as
    /// one the series add (`status`, `result`), which only a definition validated before
    /// those names were reserved can have, is left out: a sample cannot have it twice.
    private static func appendLabelPrefix(_ job: Job, to prefix: inout [UInt8]) {
        prefix.append(contentsOf: "{job_id=\"".utf8)
        appendEscaped(job.jobID, to: &prefix)
        prefix.append(UInt8(ascii: "\""))
        for (name, value) in job.definition.labels.sorted(by: { $0.key < $1.key })
        where !JobFieldRules.reservedLabelNames.contains(name) {
            prefix.append(UInt8(ascii: ","))
            prefix.append(contentsOf: name.utf8)
            prefix.append(contentsOf: "=\"".utf8)
            appendEscaped(value, to: &prefix)
            prefix.append(UInt8(ascii: "\""))
        }
    }

    /// A label value as the format escapes it: `\` as `\\`, `"` as `\"`, a line feed as `\n`.
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: bytes.append(byte)
            }
        }
    }
}
