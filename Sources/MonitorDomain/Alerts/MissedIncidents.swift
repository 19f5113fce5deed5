import Foundation

/// How one job's due fire times become missed_job incidents, decided without a
/// database: the store answers "the job's first start at or after this instant" and
/// writes what comes out, one statement per incident.
///
/// A fire time is met by a start from `fire time − early allowance` through `fire time
/// + tolerance`. Misses join the job's open incident; a start after that incident's last
/// deadline (too early to meet the next fire time) ended it, so the next miss opens a new
/// one. An incident still open at the end is over if the job started after its last
/// deadline (the monitor was down or behind, and the job ran since).
///
/// ```swift
/// let incidents = try MissedIncidents(
///     fireTimes: due, tolerance: 60, earlyAllowance: 60, latest: nil,
///     firstStart: { instant in starts.first { $0 >= instant } })
/// incidents.missed   // fire times newly recorded as missed
/// ```
package struct MissedIncidents: Sendable, Equatable {
    /// The job's newest missed_job incident as stored.
    package struct Latest: Sendable, Equatable {
        package var id: Int64
        package var lastFireTime: Date
        package var isOpen: Bool

        package init(id: Int64, lastFireTime: Date, isOpen: Bool) {
            self.id = id
            self.lastFireTime = lastFireTime
            self.isOpen = isOpen
        }
    }

    /// One incident to write: a stored one that grows or ends, or a new one.
    package struct Incident: Sendable, Equatable {
        /// The stored incident, or nil for one to open.
        package var existingID: Int64?
        package var firstFireTime: Date
        package var lastFireTime: Date
        /// Fire times added to it now.
        package var added: Int
        /// When a start ended it, if one did.
        package var resolvedAt: Date?

        package init(existingID: Int64?, firstFireTime: Date, lastFireTime: Date, added: Int, resolvedAt: Date?) {
            self.existingID = existingID
            self.firstFireTime = firstFireTime
            self.lastFireTime = lastFireTime
            self.added = added
            self.resolvedAt = resolvedAt
        }
    }

    /// In the order they happened; a stored incident with nothing added and no end is left out.
    package private(set) var incidents: [Incident] = []

    /// Fire times newly recorded as missed.
    package var missed: Int { incidents.reduce(0) { $0 + $1.added } }

    /// - Parameters:
    ///   - fireTimes: ascending; each one's deadline has passed. Those up to the latest
    ///     incident's last fire time were recorded before and are skipped.
    ///   - firstStart: the job's earliest start at or after an instant, or nil: one look
    ///     into an index. It is asked again only when the answer could differ: while the
    ///     instants asked about grow and stay before the start last found, that start is
    ///     still the answer, so a job that never started costs one question in all.
    package init(
        fireTimes: [Date], tolerance: TimeInterval, earlyAllowance: TimeInterval, latest: Latest?,
        firstStart lookUp: (Date) throws -> Date?
    ) throws {
        var asked: (from: Date, first: Date?)? = nil
        func firstStart(_ instant: Date) throws -> Date? {
            if let asked, asked.from <= instant, asked.first.map({ instant <= $0 }) ?? true { return asked.first }
            let first = try lookUp(instant)
            asked = (instant, first)
            return first
        }
        var open: Incident? = nil
        if let latest, latest.isOpen {
            open = Incident(
                existingID: latest.id, firstFireTime: latest.lastFireTime, lastFireTime: latest.lastFireTime,
                added: 0, resolvedAt: nil)
        }
        func close(_ incident: Incident) {
            if incident.added > 0 || incident.resolvedAt != nil { incidents.append(incident) }
        }
        for fireTime in fireTimes where latest.map({ fireTime > $0.lastFireTime }) ?? true {
            let opening = fireTime.addingTimeInterval(-earlyAllowance)
            if let start = try firstStart(opening), start <= fireTime.addingTimeInterval(tolerance) {
                continue  // met
            }
            if var current = open, let start = try firstStart(current.lastFireTime.addingTimeInterval(tolerance)),
                start <= opening
            {
                current.resolvedAt = start
                close(current)
                open = nil
            }
            if open == nil {
                open = Incident(
                    existingID: nil, firstFireTime: fireTime, lastFireTime: fireTime, added: 1, resolvedAt: nil)
            } else {
                open?.lastFireTime = fireTime
                open?.added += 1
            }
        }
        if var current = open {
            current.resolvedAt = try firstStart(current.lastFireTime.addingTimeInterval(tolerance + 0.001))
            close(current)
        }
    }
}
