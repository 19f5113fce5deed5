import Foundation

extension CronSchedule {
    /// `date` as an RFC 3339 timestamp in the schedule's zone, with the zone's
    /// offset at that instant: `2021-03-14T03:00:00-04:00`; `Z` in UTC itself.
    public func localTimestamp(_ date: Date) -> String {
        let instant = Int(date.timeIntervalSince1970.rounded(.down))
        let offset = utcOffset(at: date)
        let local = instant + offset
        let dayNumber = CivilCalendar.floorDivide(local, 86_400)
        let (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        let secondOfDay = local - dayNumber * 86_400
        var text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if offset == 0 && ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Z"].contains(timeZone.identifier) {
            return text + "Z"
        }
        let magnitude = abs(offset)
        text += (offset < 0 ? "-" : "+") + "\(pad(magnitude / 3600, 2)):\(pad(magnitude / 60 % 60, 2))"
        if magnitude % 60 != 0 { text += ":\(pad(magnitude % 60, 2))" }
        return text
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
