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
