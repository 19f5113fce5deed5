import Config
import Testing

/// The checks the linter and `POST /jobs` share, at the edges of their limits.
@Suite struct JobFieldRulesTests {
    static let day = 86_400

    @Test func toleranceIsAtMostThirtyOneDays() {
        #expect(JobFieldRules.checkTolerance(JobDuration(seconds: 0)) == nil)
        #expect(JobFieldRules.checkTolerance(JobDuration(seconds: 31 * Self.day)) == nil)
        let problem = JobFieldRules.checkTolerance(JobDuration(seconds: 31 * Self.day + 1))
        #expect(problem?.rule == .durationTooLong)
        #expect(
            problem?.message
                == "tolerance may be at most 31d (44640 minutes), found 31d1s; write 31d or less, or set paused: true "
                + "to stop watching the job")
        #expect(JobFieldRules.checkTolerance(JobDuration(seconds: -1))?.rule == .invalidDuration)
    }

    @Test func maxRuntimeIsAtMostThirtyOneDays() {
        #expect(JobFieldRules.checkMaxRuntime(JobDuration(seconds: 31 * Self.day)) == nil)
        let problem = JobFieldRules.checkMaxRuntime(JobDuration(seconds: 365 * Self.day))
        #expect(problem?.rule == .durationTooLong)
        #expect(
            problem?.message
                == "max_runtime may be at most 31d (44640 minutes), found 365d; write 31d or less, or leave "
                + "max_runtime out for no limit")
        #expect(JobFieldRules.checkMaxRuntime(JobDuration(seconds: 0))?.rule == .invalidDuration)
    }
}
