import Cron
import Foundation
import Synchronization

/// A job's cron schedule with the last few fire times it gave, each with the span it
/// answers for.
///
/// An answer says more than its question: if the first fire time after `t` is `r`, no
/// fire time lies in `(t, r)`, so for any `t'` in `[t, r)` the answer is `r` too; and if
/// the last fire time before `t` is `p` and the first after `p` is `r`, the answer for
/// any `t'` in `(p, r]` is `p`. The job list, `GET /metrics` and the job page ask each
/// job's schedule the same few questions at every request (the next fire time after now,
/// the one after that, the first after the job began to be watched, the last before now),
/// and the answers change only when a fire time passes: those are answered from here,
/// exactly, without searching the calendar. Kept per job (``Job``), not in
/// `CronSchedule`, whose chained searches (the alert engine's) would only pay for it.
final class FireTimeMemo: Sendable {
    /// No fire time lies strictly between `from` and `to`, and `to` is one (for next), or
    /// `from` is one (for previous).
    private struct Span {
        var from: Date
        var to: Date
    }

    private struct Spans {
        var next: [Span] = []
        var previous: [Span] = []
    }

    let schedule: CronSchedule
    /// As many spans as a job's status asks for, and one more.
    private static let capacity = 4
    private let spans = Mutex(Spans())

    init(_ schedule: CronSchedule) {
        self.schedule = schedule
    }

    /// The first fire time strictly after `date`, as `CronSchedule.nextFireTime(after:)`.
    func next(after date: Date) -> Date? {
        spans.withLock { spans in
            if let known = spans.next.first(where: { $0.from <= date && date < $0.to }) { return known.to }
            guard let fire = schedule.nextFireTime(after: date) else { return nil }
            Self.remember(Span(from: date, to: fire), in: &spans.next)
            return fire
        }
    }

    /// The last fire time strictly before `date`, as `CronSchedule.previousFireTime(before:)`.
    func previous(before date: Date) -> Date? {
        spans.withLock { spans in
            if let known = spans.previous.first(where: { $0.from < date && date <= $0.to }) { return known.from }
            guard let fire = schedule.previousFireTime(before: date) else { return nil }
            // The span reaches to the next fire time, so that it serves while time passes.
            if let following = schedule.nextFireTime(after: fire) {
                Self.remember(Span(from: fire, to: following), in: &spans.previous)
            }
            return fire
        }
    }

    private static func remember(_ span: Span, in spans: inout [Span]) {
        if spans.count == capacity { spans.removeLast() }
        spans.insert(span, at: 0)
    }
}
