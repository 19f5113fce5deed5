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

    /// Sizes past 64 bits (1e300 minutes, a 400-digit string) are an error that says the
    /// value is too long, never a crash or an overflow.
    @Test func absurdLengthsAreTooLongNotACrash() throws {
        for minutes in [1e300, .infinity, .greatestFiniteMagnitude, 1e11] {
            #expect(throws: JobDuration.ParseError.self) { try JobDuration(minutes: minutes) }
            do {
                _ = try JobDuration(minutes: minutes)
            } catch {
                #expect(error.isTooLong, "\(minutes)")
                #expect(error.message.hasSuffix("minutes is too long to be a duration"), "\(error.message)")
            }
        }
        for text in ["99999999999999999999d", String(repeating: "9", count: 400) + "s"] {
            do {
                _ = try JobDuration(parsing: text)
                Issue.record("\(text.prefix(20)) was accepted")
            } catch {
                #expect(error.isTooLong)
                #expect(error.message.hasSuffix("\" is too long to be a duration"), "\(error.message)")
            }
        }
        for minutes in [-1e300, -.infinity] {
            let error = #expect(throws: JobDuration.ParseError.self) { try JobDuration(minutes: minutes) }
            #expect(error?.isTooLong == false, "too short, rather")
            #expect(error?.message.hasSuffix("minutes is out of range for a duration") == true)
        }
        let negative = #expect(throws: JobDuration.ParseError.self) {
            try JobDuration(parsing: "-99999999999999999999h")
        }
        #expect(negative?.message == "\"-99999999999999999999h\" is out of range for a duration")
        #expect(try JobDuration(minutes: 1e10).seconds == 600_000_000_000, "long, but still a duration")
        let notANumber = #expect(throws: JobDuration.ParseError.self) { try JobDuration(minutes: .nan) }
        #expect(notANumber?.isTooLong == false)
    }

    @Test(arguments: [(90, "1m30s"), (3600, "1h"), (5400, "1h30m"), (86_400, "1d"), (0, "0m"), (-300, "-5m")])
    func describesItselfExactly(seconds: Int, text: String) throws {
        #expect(JobDuration(seconds: seconds).description == text)
        if seconds != 0 { #expect(try JobDuration(parsing: text).seconds == seconds) }
    }
}
