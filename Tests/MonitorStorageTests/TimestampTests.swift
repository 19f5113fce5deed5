import Foundation
import GRDB
import Testing

@testable import MonitorDomain
@testable import MonitorStorage

@Suite struct TimestampTests {
    @Test func writesMillisecondsInUTCAndTheDatabaseForm() {
        let date = Date(timeIntervalSince1970: 1_795_845_600.1234)  // 2026-11-28T06:00:00.123Z
        #expect(Timestamp.string(from: date) == "2026-11-28T06:00:00.123Z")
        #expect(Timestamp.databaseText(from: date) == "2026-11-28 06:00:00.123")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.parse(Timestamp.string(from: date)) == Date(timeIntervalSince1970: 1_795_845_600.123))
        // What the database gives back prints as it was written.
        #expect(
            Timestamp.string(from: Date(timeIntervalSince1970: 1_795_845_600.305 - 1e-7)) == "2026-11-28T06:00:00.305Z")
    }

    /// The store's fast date reading agrees with GRDB's to the millisecond, from 1900 to
    /// 2399, and leaves every other form to GRDB.
    @Test func readsTheDatabaseFormLikeGRDB() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...13_569_465_600_000, using: &generator)
            let text = Timestamp.databaseText(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let fast = Timestamp.fromDatabaseText(text)
            let grdb = Date.fromDatabaseValue(text.databaseValue)
            #expect(fast != nil && grdb != nil, "\(text)")
            if let fast, let grdb {
                #expect(abs(fast.timeIntervalSince(grdb)) < 0.0005, "\(text)")
                #expect(Timestamp.databaseText(from: fast) == text)
            }
        }
        #expect(Timestamp.fromDatabaseText("2026-11-28 06:00:00") == Date(timeIntervalSince1970: 1_795_845_600))
        for other in [
            "2026-11-28T06:00:00.000Z", "2026-11-28 06:00", "2026-02-30 00:00:00", "2026-11-28 24:00:00",
            "2026-11-28 06:00:00.1", "x026-11-28 06:00:00", "",
        ] {
            #expect(Timestamp.fromDatabaseText(other) == nil, "\(other)")
        }
    }
}
