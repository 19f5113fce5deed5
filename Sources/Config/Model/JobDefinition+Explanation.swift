import Cron

extension JobDefinition {
    /// The schedule in English ("At 06:00, Monday through Friday"), as `cron explain`
    /// writes it; nil when the schedule does not parse.
    public var scheduleExplanation: String? {
        if let every { return "Every \(every) after the last \(expect == .end ? "end" : "ping")" }
        guard let schedule else { return nil }
        return try? JobFieldRules.checkSchedule(schedule).get().explanation
    }

    /// The schedule as written, or `every 1h` for an interval job: what lists show.
    public var timingText: String {
        if let every { return "every \(every)" }
        return schedule ?? ""
    }
}
