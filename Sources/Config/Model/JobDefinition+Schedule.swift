import Cron
import Foundation
import Synchronization

extension JobDefinition {
    /// The job's schedule in its zone, ready for fire times; nil when the expression or
    /// the zone is invalid (the linter and the API refuse those before they are stored).
    ///
    /// Parsed once per distinct expression and zone for the whole process, and shared:
    /// status, the alert engine and the job page all ask for it, most jobs share a few
    /// schedules, and a status page of 10,000 jobs would otherwise parse 10,000 times.
    public var cronSchedule: CronSchedule? {
        guard let schedule else { return nil }
        let key = "\(schedule)|\(timezone)"
        if let known = Self.parsedSchedules.withLock({ $0[key] }) { return known }
        var parsed: CronSchedule?
        if case .success(let expression) = JobFieldRules.checkSchedule(schedule),
            let zone = TimeZone(identifier: timezone)
        {
            parsed = CronSchedule(expression, timeZone: zone)
        }
        Self.parsedSchedules.withLock { cache in
            // Distinct schedules come from distinct jobs; the bound only stops a flood of
            // made-up jobs from growing it without end.
            if cache.count >= 4096 { cache.removeAll() }
            cache[key] = .some(parsed)
        }
        return parsed
    }

    private static let parsedSchedules = Mutex<[String: CronSchedule?]>([:])
}
