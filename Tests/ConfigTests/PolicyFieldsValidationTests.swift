import Config
import Foundation
import Testing

/// The policy fields of DESIGN 11.1 (`min_runtime`, `failure_threshold`, `labels`): each
/// bad value with its exact message and place, and the job with it left out.
@Suite struct PolicyFieldsValidationTests {
    static func validate(_ yaml: String) -> ValidationReport {
        PingFieldsValidationTests.validate(yaml)
    }

    static func lines(_ yaml: String) -> [String] { validate(yaml).diagnostics.map(\.description) }

    @Test func theFieldsAreRead() throws {
        let report = Self.validate(
            """
            job_id: a
            schedule: "@daily"
            min_runtime: 5m
            max_runtime: 2h
            failure_threshold: 3
            labels: {team: data, tier: 1}
            """)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        let job = try #require(report.jobs.first)
        #expect(job.minRuntime == JobDuration(seconds: 300) && job.failureThreshold == 3)
        #expect(job.labels == ["team": "data", "tier": "1"], "a number is kept as the text written")
        let plain = try #require(Self.validate("job_id: a\nschedule: \"@daily\"\n").jobs.first)
        #expect(plain.minRuntime == nil && plain.failureThreshold == 1 && plain.labels.isEmpty)
    }

    @Test func aMinRuntimeNotBelowMaxRuntime() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nmax_runtime: 10m\nmin_runtime: 10m\n") == [
                "jobs.d/a.yaml:4:14: error: min_runtime 10m is not below max_runtime 10m: every run would be too fast "
                    + "or too long; write a min_runtime shorter than max_runtime [conflicting-fields]"
            ])
        #expect(Self.validate("job_id: a\nschedule: \"@daily\"\nmax_runtime: 10m\nmin_runtime: 2h\n").jobs.isEmpty)
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nis_health_check: true\nmin_runtime: 1m\n") == [
                "jobs.d/a.yaml:4:14: error: min_runtime 1m cannot hold for a health check: each heartbeat is a whole "
                    + "run that lasts no time; remove min_runtime, or is_health_check [conflicting-fields]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nmin_runtime: 0\n") == [
                "jobs.d/a.yaml:3:14: error: min_runtime must be longer than 0, found 0m; leave min_runtime out for no "
                    + "lower bound [invalid-duration]"
            ])
    }

    @Test func aThresholdOfZero() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nfailure_threshold: 0\n") == [
                "jobs.d/a.yaml:3:20: error: failure_threshold must be from 1 to 1000, found 0; 1 (the default) opens "
                    + "the failed alert at the first failed run, 3 at the third in a row [out-of-range]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nfailure_threshold: \"3\"\n") == [
                "jobs.d/a.yaml:3:20: error: failure_threshold must be a whole number, found '3' [wrong-type]"
            ])
        #expect(Self.validate("job_id: a\nschedule: \"@daily\"\nfailure_threshold: 0\n").jobs.isEmpty)
    }

    @Test func labelsThatPrometheusWouldRefuse() {
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nlabels:\n  team-name: data\n  __x: y\n  job_id: z\n") == [
                "jobs.d/a.yaml:4:3: error: label 'team-name' is not a Prometheus label name (a letter or '_', then "
                    + "letters, digits and '_'); write a name such as team or service_tier [invalid-label]",
                "jobs.d/a.yaml:5:3: error: label '__x' starts with '__', which Prometheus reserves; write a name such "
                    + "as team or service_tier [invalid-label]",
                "jobs.d/a.yaml:6:3: error: label 'job_id' is used by the monitor's own metrics; write a name such as "
                    + "team or service_tier [invalid-label]",
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nlabels: {team: [a, b]}\n") == [
                "jobs.d/a.yaml:3:16: error: label 'team' must have a text value such as data, found a list [wrong-type]"
            ])
        #expect(
            Self.lines("job_id: a\nschedule: \"@daily\"\nlabels: [team]\n") == [
                "jobs.d/a.yaml:3:9: error: labels must be a mapping of names to values such as {team: data}, found a "
                    + "list [wrong-type]"
            ])
    }
}
