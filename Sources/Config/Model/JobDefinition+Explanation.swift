import Cron

extension JobDefinition {
    /// The schedule in English ("At 06:00, Monday through Friday"), as `cron explain`
    /// writes it; nil when the schedule does not parse.
    public var scheduleExplanation: String? {
        try? JobFieldRules.checkSchedule(schedule).get().explanation
    }
}
