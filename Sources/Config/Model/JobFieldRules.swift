import Cron
import Foundation
import Synchronization

/// The checks on single field values that every way into Cronicle shares: YAML files
/// through `cronicle-sync validate`, and JSON bodies through the REST API. One
/// implementation, so the two can never disagree.
public enum JobFieldRules {
    /// What is wrong with a value, which rule says so, and where in the value text the
    /// problem starts (0 for the whole value).
    public struct Problem: Error, Sendable, Hashable {
        public let rule: LintRule
        public let message: String
        public let offset: Int
    }

    public static let maximumJobIDLength = 128

    /// `^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`
    public static func checkJobID(_ text: String) -> Problem? {
        checkIdentifier(text, key: "job_id", rule: .invalidJobID)
    }

    /// A channel's name follows the job id's pattern.
    public static func checkChannelName(_ text: String) -> Problem? {
        checkIdentifier(text, key: "channel", rule: .invalidChannelName)
    }

    /// `^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`, for the key `key`.
    static func checkIdentifier(_ text: String, key: String, rule problemRule: LintRule) -> Problem? {
        let scalars = Array(text.unicodeScalars)
        func allowed(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
            guard scalar.isASCII else { return false }
            let value = scalar.value
            let alphanumeric = (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value)
            return alphanumeric || (!first && (scalar == "_" || scalar == "." || scalar == "-"))
        }
        if scalars.isEmpty {
            return Problem(rule: problemRule, message: "\(key) is empty", offset: 0)
        }
        if scalars.count > maximumJobIDLength {
            return Problem(
                rule: problemRule,
                message:
                    "\(key) '\(UntrustedText.excerpt(text, limit: 20))' is \(scalars.count) characters long; "
                    + "the limit is \(maximumJobIDLength)",
                offset: maximumJobIDLength)
        }
        for (index, scalar) in scalars.enumerated() where !allowed(scalar, first: index == 0) {
            let rule =
                index == 0
                ? "must start with a letter or digit"
                : "may contain only letters, digits, '_', '.' and '-'"
            return Problem(
                rule: problemRule,
                message:
                    "\(key) '\(UntrustedText.excerpt(text))' \(rule); '\(UntrustedText.escaped(String(scalar)))' is not allowed",
                offset: index)
        }
        return nil
    }

    /// The parsed schedule, or the cron engine's complaint with its column in the text.
    public static func checkSchedule(_ text: String) -> Result<CronExpression, Problem> {
        if let known = scheduleCache.withLock({ $0[text] }) { return known }
        let result: Result<CronExpression, Problem>
        do throws(CronParseError) {
            result = .success(try CronExpression(text))
        } catch {
            var message = error.field.map { "\($0.name) \(error.message)" } ?? error.message
            // The cron engine quotes the offending part of the expression whole: quote a
            // long one as an excerpt, and escape whatever else of the text it repeats.
            let quoted = UntrustedText.excerpt(error.text)
            if quoted != error.text {
                message = message.replacingOccurrences(of: error.text, with: quoted)
            }
            message = UntrustedText.escaped(message)
            result = .failure(
                Problem(
                    rule: error.kind == .neverFires ? .cronNeverFires : .cronSyntax, message: message,
                    offset: error.column - 1))
        }
        scheduleCache.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[text] = result
        }
        return result
    }

    /// Schedules already checked: a repository repeats a few dozen expressions across
    /// thousands of jobs, and each is checked when parsed and again for warnings.
    private static let scheduleCache = Mutex<[String: Result<CronExpression, Problem>]>([:])

    private static let knownZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC", "Etc/UTC"])

    /// An IANA zone name the system knows, such as `Europe/Berlin`, `UTC`, or a
    /// backward-compatible link such as `US/Eastern`. Bare abbreviations (`PST`,
    /// `CEST`) are refused: they do not say which daylight-saving rules apply.
    public static func checkTimezone(_ text: String) -> Problem? {
        if knownZones.contains(text) || (text.contains("/") && TimeZone(identifier: text) != nil) { return nil }
        if let zone = TimeZone(abbreviation: text), !text.contains("/") {
            return Problem(
                rule: .unknownTimezone,
                message:
                    "'\(UntrustedText.excerpt(text))' is an abbreviation, which does not say when daylight saving applies; "
                    + "use an IANA name such as '\(zone.identifier)'",
                offset: 0)
        }
        var message = "unknown time zone '\(UntrustedText.excerpt(text))'"
        let lowered = text.lowercased()
        let closest = knownZones.map { ($0, EditDistance.between(lowered, $0.lowercased())) }.min { $0.1 < $1.1 }
        if let closest, closest.1 <= 3 {
            message += "; did you mean '\(closest.0)'?"
        } else {
            message += "; use an IANA name such as Europe/Berlin or America/New_York"
        }
        return Problem(rule: .unknownTimezone, message: message, offset: 0)
    }

    /// The longest tolerance: a start a month late is no longer late but missing, and a
    /// monthly job's tolerance must in any case stay shorter than a month to mean anything.
    public static let longestTolerance = JobDuration(seconds: 31 * 86_400)
    /// The longest max_runtime: the longest batch jobs run for days or weeks; a run
    /// longer than a month is a run to be told about.
    public static let longestMaxRuntime = JobDuration(seconds: 31 * 86_400)

    /// The shortest `every`: pings more often than each second are a load test, not a heartbeat.
    public static let shortestEvery = JobDuration(seconds: 1)
    /// The longest `every`: a year, like the longest cron schedule (`@yearly`).
    public static let longestEvery = JobDuration(seconds: 366 * 86_400)

    public static func checkEvery(_ duration: JobDuration) -> Problem? {
        if duration < shortestEvery {
            return Problem(
                rule: .outOfRange,
                message: "every must be at least \(shortestEvery), found \(duration); write the time between two "
                    + "pings, such as \"30s\" or \"1h\"",
                offset: 0)
        }
        return duration > longestEvery ? everyTooLong(found: "\(duration)") : nil
    }

    /// The complaint about an `every` over ``longestEvery``; `found` as for ``toleranceTooLong(found:)``.
    public static func everyTooLong(found: String) -> Problem {
        Problem(
            rule: .durationTooLong,
            message: "every may be at most \(longestEvery) (\(longestEvery.seconds / 86_400) days), found \(found); "
                + "for a rarer job write a schedule such as \"@yearly\"",
            offset: 0)
    }

    /// A `ping_uuid` in the canonical form `5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f` (as
    /// Healthchecks writes them); upper-case digits are accepted and lowered.
    public static func checkPingUUID(_ text: String) -> Result<String, Problem> {
        let lowered = text.lowercased()
        let bytes = Array(lowered.utf8)
        let dashes: Set<Int> = [8, 13, 18, 23]
        var valid = bytes.count == 36
        if valid {
            for (index, byte) in bytes.enumerated() {
                let isHex = (48...57).contains(byte) || (97...102).contains(byte)
                if dashes.contains(index) ? byte != UInt8(ascii: "-") : !isHex {
                    valid = false
                    break
                }
            }
        }
        guard valid else {
            return .failure(
                Problem(
                    rule: .invalidPingUUID,
                    message: "ping_uuid '\(UntrustedText.excerpt(text))' is not a UUID; write 36 characters such as "
                        + "5f2b1c1e-9a7d-4c1e-8f3a-2b6d4e8a1c0f, or leave ping_uuid out to have one generated",
                    offset: 0))
        }
        return .success(lowered)
    }

    public static func checkTolerance(_ duration: JobDuration) -> Problem? {
        if duration.seconds < 0 {
            return Problem(
                rule: .invalidDuration, message: "tolerance must not be negative, found \(duration)", offset: 0)
        }
        return duration > longestTolerance ? toleranceTooLong(found: "\(duration)") : nil
    }

    public static func checkMaxRuntime(_ duration: JobDuration) -> Problem? {
        if duration.seconds <= 0 {
            return Problem(
                rule: .invalidDuration, message: "max_runtime must be longer than 0, found \(duration)", offset: 0)
        }
        return duration > longestMaxRuntime ? maxRuntimeTooLong(found: "\(duration)") : nil
    }

    /// The longest min_runtime, as for max_runtime.
    public static let longestMinRuntime = longestMaxRuntime

    public static func checkMinRuntime(_ duration: JobDuration) -> Problem? {
        if duration.seconds <= 0 {
            return Problem(
                rule: .invalidDuration,
                message:
                    "min_runtime must be longer than 0, found \(duration); leave min_runtime out for no lower bound",
                offset: 0)
        }
        return duration > longestMinRuntime ? minRuntimeTooLong(found: "\(duration)") : nil
    }

    /// The complaint about a min_runtime over ``longestMinRuntime``; `found` as for
    /// ``toleranceTooLong(found:)``.
    public static func minRuntimeTooLong(found: String) -> Problem {
        tooLong("min_runtime", limit: longestMinRuntime, found: found, otherwise: "leave min_runtime out")
    }

    /// The bounds of a run's length that cannot hold together: a `min_runtime` not
    /// below `max_runtime` (every successful run would alert), or a `min_runtime` on a
    /// health check (whose runs last no time). Checked after folder defaults are merged,
    /// since either bound may come from one.
    public static func checkRuntimeBounds(_ definition: JobDefinition) -> Problem? {
        guard let minRuntime = definition.minRuntime else { return nil }
        if definition.isHealthCheck {
            return Problem(
                rule: .conflictingFields,
                message: "min_runtime \(minRuntime) cannot hold for a health check: each heartbeat is a whole run "
                    + "that lasts no time; remove min_runtime, or is_health_check",
                offset: 0)
        }
        if let maxRuntime = definition.maxRuntime, minRuntime >= maxRuntime {
            return Problem(
                rule: .conflictingFields,
                message:
                    "min_runtime \(minRuntime) is not below max_runtime \(maxRuntime): every run would be too fast "
                    + "or too long; write a min_runtime shorter than max_runtime",
                offset: 0)
        }
        return nil
    }

    /// The most failed runs in a row a failed alert may wait for.
    public static let largestFailureThreshold = 1000

    public static func checkFailureThreshold(_ threshold: Int) -> Problem? {
        guard !(1...largestFailureThreshold).contains(threshold) else { return nil }
        return Problem(
            rule: .outOfRange,
            message: "failure_threshold must be from 1 to \(largestFailureThreshold), found \(threshold); 1 (the "
                + "default) opens the failed alert at the first failed run, 3 at the third in a row",
            offset: 0)
    }

    /// Most labels on one job: each becomes a label of every metric of the job.
    public static let mostLabels = 32
    /// The longest label value, in characters.
    public static let longestLabelValue = 256
    /// Label names the monitor's own metrics use, which a job's label would overwrite.
    /// (`status` and `result` label the states and results of `GET /metrics`' job series.)
    public static let reservedLabelNames: Set<String> = [
        "job_id", "job", "instance", "le", "quantile", "status", "result",
    ]

    /// A label name as Prometheus allows it (`[a-zA-Z_][a-zA-Z0-9_]*`), not starting
    /// with `__` (reserved for Prometheus' own) and not one the metrics already use.
    public static func checkLabelName(_ name: String) -> Problem? {
        let bytes = Array(name.utf8)
        func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 }
        if let first = bytes.first, isLetter(first), bytes.allSatisfy({ isLetter($0) || (48...57).contains($0) }),
            !name.hasPrefix("__"), !reservedLabelNames.contains(name)
        {
            return nil
        }
        let reason =
            reservedLabelNames.contains(name)
            ? "is used by the monitor's own metrics"
            : name.hasPrefix("__")
                ? "starts with '__', which Prometheus reserves"
                : "is not a Prometheus label name (a letter or '_', then letters, digits and '_')"
        return Problem(
            rule: .invalidLabel,
            message: "label '\(UntrustedText.excerpt(name))' \(reason); write a name such as team or service_tier",
            offset: 0)
    }

    public static func checkLabelValue(_ name: String, _ value: String) -> Problem? {
        guard value.count > longestLabelValue || value.isEmpty else { return nil }
        return Problem(
            rule: .invalidLabel,
            message: value.isEmpty
                ? "label '\(name)' is empty; give it a value, or remove it"
                : "label '\(name)' is \(value.count) characters long; the limit is \(longestLabelValue)",
            offset: 0)
    }

    /// The complaint about a tolerance over ``longestTolerance``; `found` is the value, or
    /// the text as written when it is too long even to be a ``JobDuration``.
    public static func toleranceTooLong(found: String) -> Problem {
        tooLong(
            "tolerance", limit: longestTolerance, found: found, otherwise: "set paused: true to stop watching the job")
    }

    /// The complaint about a max_runtime over ``longestMaxRuntime``; `found` as for
    /// ``toleranceTooLong(found:)``.
    public static func maxRuntimeTooLong(found: String) -> Problem {
        tooLong("max_runtime", limit: longestMaxRuntime, found: found, otherwise: "leave max_runtime out for no limit")
    }

    private static func tooLong(_ field: String, limit: JobDuration, found: String, otherwise: String) -> Problem {
        Problem(
            rule: .durationTooLong,
            message: "\(field) may be at most \(limit) (\(limit.seconds / 60) minutes), found \(found); "
                + "write \(limit) or less, or \(otherwise)",
            offset: 0)
    }
}
