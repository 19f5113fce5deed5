import Config
import Testing

@Suite struct JobDurationTests {
    @Test(arguments: [
        ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("0.5h", 1800), (" 45s ", 45),
        ("0s", 0),
        ("-5m", -300),
    ])
    func parsesStringsWithUnits(text: String, seconds: Int) throws {
        #expect(try JobDuration(parsing: text).seconds == seconds)
    }

    @Test(arguments: [(30.0, 1800), (1.5, 90), (0, 0), (-5, -300)])
    func numbersAreMinutes(minutes: Double, seconds: Int) throws {
        #expect(try JobDuration(minutes: minutes).seconds == seconds)
    }

    @Test(arguments: [
        ("30", "\"30\" has no unit; write 30 (a number, in minutes) or \"30m\""),
        ("2 hours", "\"2 hours\" is not a duration"),
        ("h", "\"h\" is not a duration"),
        ("5x", "\"5x\" is not a duration"),
        ("5m3", "\"5m3\" is not a duration"),
        ("", "\"\" is not a duration"),
        ("0.5s", "\"0.5s\" is not a whole number of seconds"),
    ])
    func rejectsWithAnActionableMessage(text: String, message: String) {
        #expect(throws: JobDuration.ParseError.self) { try JobDuration(parsing: text) }
        do {
            _ = try JobDuration(parsing: text)
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func minutesMustComeToWholeSeconds() {
        #expect(throws: JobDuration.ParseError.self) { try JobDuration(minutes: 0.001) }
        #expect(throws: JobDuration.ParseError.self) { try JobDuration(minutes: .infinity) }
    }

    @Test(arguments: [(90, "1m30s"), (3600, "1h"), (5400, "1h30m"), (86_400, "1d"), (0, "0m"), (-300, "-5m")])
    func describesItselfExactly(seconds: Int, text: String) throws {
        #expect(JobDuration(seconds: seconds).description == text)
        if seconds != 0 { #expect(try JobDuration(parsing: text).seconds == seconds) }
    }
}
