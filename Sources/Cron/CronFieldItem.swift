/// One comma-separated item of a cron field, as it was written.
///
/// Values keep the number written (`7` stays `7` in day-of-week, meaning Sunday),
/// so a description can follow the author's words.
public enum CronFieldItem: Sendable, Hashable {
    /// `*`, or `*/5` with a step.
    case any(step: Int?)
    /// `5`, or `5/15`: from 5 through the end of the field, every 15.
    case value(Int, step: Int?)
    /// `1-5`, or `1-30/7` with a step.
    case range(Int, Int, step: Int?)
    /// `L` in day-of-month: the last day of the month.
    case lastDayOfMonth
    /// `LW` in day-of-month: the last weekday (Monday to Friday) of the month.
    case lastWeekdayOfMonth
    /// `5L` in day-of-week: the last Friday of the month.
    case lastWeekday(Int)
    /// `1#2` in day-of-week: the second Monday of the month.
    case nthWeekday(Int, Int)
}
