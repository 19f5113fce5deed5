import Cron
import Testing

@Suite struct CronParserTests {
    // MARK: - Accepted

    @Test(arguments: [
        ("* * * * *", [CronFieldItem.any(step: nil)]),
        ("*/5 * * * *", [.any(step: 5)]),
        ("5 * * * *", [.value(5, step: nil)]),
        ("5/15 * * * *", [.value(5, step: 15)]),
        ("1-30/7 * * * *", [.range(1, 30, step: 7)]),
        ("0,15,30-45 * * * *", [.value(0, step: nil), .value(15, step: nil), .range(30, 45, step: nil)]),
        ("*/90 * * * *", [.any(step: 90)]),
    ])
    func minuteForms(text: String, items: [CronFieldItem]) throws {
        #expect(try CronExpression(text).items(of: .minute) == items)
    }

    @Test func namesInAnyCaseAndSevenAsSunday() throws {
        let expression = try CronExpression("0 0 * jan-Mar,DEC mon-FRI,7")
        #expect(expression.items(of: .month) == [.range(1, 3, step: nil), .value(12, step: nil)])
        #expect(expression.items(of: .dayOfWeek) == [.range(1, 5, step: nil), .value(7, step: nil)])
    }

    @Test func quartzStyleExtensions() throws {
        #expect(try CronExpression("0 0 L * *").items(of: .dayOfMonth) == [.lastDayOfMonth])
        #expect(try CronExpression("0 0 lw * *").items(of: .dayOfMonth) == [.lastWeekdayOfMonth])
        #expect(try CronExpression("0 0 1,L * *").items(of: .dayOfMonth) == [.value(1, step: nil), .lastDayOfMonth])
        #expect(try CronExpression("0 0 * * 5L").items(of: .dayOfWeek) == [.lastWeekday(5)])
        #expect(try CronExpression("0 0 * * 1#2").items(of: .dayOfWeek) == [.nthWeekday(1, 2)])
        #expect(try CronExpression("0 0 * * MON#5,FRIL").items(of: .dayOfWeek) == [.nthWeekday(1, 5), .lastWeekday(5)])
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"),
    ])
    func macrosMeanTheirExpansion(macro: String, expansion: String) throws {
        let expression = try CronExpression(macro)
        #expect(expression.fields == (try CronExpression(expansion)).fields)
        #expect(expression.macro == macro.lowercased())
        #expect(expression.isFixedTime == (macro != "@hourly"))
    }

    @Test(arguments: [
        ("30 2 * * *", true), ("0 0 * * *", true), ("0 0-23/2 * * *", true), ("5,35 1,13 * * *", true),
        ("*/15 * * * *", false), ("0 * * * *", false), ("0 */2 * * *", false), ("* 2 * * *", false),
    ])
    func fixedTimeMeansMinuteAndHourStartWithoutStar(text: String, isFixedTime: Bool) throws {
        #expect(try CronExpression(text).isFixedTime == isFixedTime)
    }

    @Test(arguments: [
        ("0 0 1 * MON", false), ("0 0 * * MON", true), ("0 0 */2 * MON", true), ("0 0 1 * *", true),
        ("0 0 1-7 * */2", true),
    ])
    func dayFieldsCombineLikeVixieCron(text: String, mustMatchBoth: Bool) throws {
        #expect(try CronExpression(text).daysMustMatchBoth == mustMatchBoth)
    }

    @Test func whitespaceAroundAndBetweenFieldsIsFree() throws {
        #expect(try CronExpression("  0\t0   * * *  ").fields == (try CronExpression("0 0 * * *")).fields)
    }

    // MARK: - Rejected, with field and column

    struct Rejection: Sendable, CustomStringConvertible {
        let text: String
        let field: CronField?
        let column: Int
        let message: String
        var description: String { text }
    }

    @Test(arguments: [
        Rejection(text: "", field: nil, column: 1, message: "is empty; expected 5 fields"),
        Rejection(
            text: "* * * *", field: nil, column: 8,
            message: "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
        Rejection(text: "0 * * * * *", field: nil, column: 11, message: "found 6; six-field expressions"),
        Rejection(text: "61 * * * *", field: .minute, column: 1, message: "value 61 is out of range 0-59"),
        Rejection(text: "0 24 * * *", field: .hour, column: 3, message: "value 24 is out of range 0-23"),
        Rejection(text: "0 0 0 * *", field: .dayOfMonth, column: 5, message: "value 0 is out of range 1-31"),
        Rejection(text: "0 0 * 13 *", field: .month, column: 7, message: "value 13 is out of range 1-12"),
        Rejection(text: "0 0 * * 8", field: .dayOfWeek, column: 9, message: "value 8 is out of range 0-7"),
        Rejection(text: "1,61 * * * *", field: .minute, column: 3, message: "value 61 is out of range"),
        Rejection(text: "50-70 * * * *", field: .minute, column: 4, message: "value 70 is out of range"),
        Rejection(text: "99999999999999999999 * * * *", field: .minute, column: 1, message: "out of range 0-59"),
        Rejection(text: "0 5-1 * * *", field: .hour, column: 3, message: "range '5-1' runs backwards"),
        Rejection(text: "0 0 * * FRI-SUN", field: .dayOfWeek, column: 9, message: "write FRI-7"),
        Rejection(text: "*/0 * * * *", field: .minute, column: 3, message: "step 0 must be 1 or more"),
        Rejection(text: "*/ * * * *", field: .minute, column: 3, message: "missing step after '/'"),
        Rejection(text: "*/x * * * *", field: .minute, column: 3, message: "step 'x' is not a number"),
        Rejection(text: "1,,2 * * * *", field: .minute, column: 3, message: "empty item in the list '1,,2'"),
        Rejection(text: "1, * * * *", field: .minute, column: 3, message: "empty item"),
        Rejection(text: "0 0 ? * *", field: .dayOfMonth, column: 5, message: "'?' is Quartz syntax"),
        Rejection(text: "5x * * * *", field: .minute, column: 1, message: "'5x' is not a number"),
        Rejection(text: "0 0 * * * garbage", field: nil, column: 11, message: "found 6"),
        Rejection(text: "0 0 * FOO *", field: .month, column: 7, message: "'FOO' is not a month (1-12 or JAN-DEC)"),
        Rejection(text: "0 0 * * FUN", field: .dayOfWeek, column: 9, message: "not a day of the week"),
        Rejection(text: "MON 0 * * *", field: .minute, column: 1, message: "'MON' is not a number"),
        Rejection(text: "-1 * * * *", field: .minute, column: 1, message: "'-1' is not a range"),
        Rejection(text: "1-2-3 * * * *", field: .minute, column: 1, message: "'1-2-3' is not a range"),
        Rejection(text: "0 0 15W * *", field: .dayOfMonth, column: 5, message: "(nearest weekday) is not supported"),
        Rejection(
            text: "0 0 L-2 * *", field: .dayOfMonth, column: 5,
            message: "'L-2' is not supported; day-of-month accepts L (last day) and LW (last weekday)"),
        Rejection(
            text: "0 0 5L * *", field: .dayOfMonth, column: 5, message: "day-of-month accepts L (last day) and LW"),
        Rejection(
            text: "L 0 * * *", field: .minute, column: 1, message: "only allowed in day-of-month and day-of-week"),
        Rejection(text: "0 0 * * L", field: .dayOfWeek, column: 9, message: "needs a weekday before it"),
        Rejection(text: "0 0 1#2 * *", field: .dayOfMonth, column: 6, message: "only allowed in day-of-week"),
        Rejection(
            text: "0 0 * * 1#6", field: .dayOfWeek, column: 11, message: "occurrence '6' after '#' must be 1 to 5"),
        Rejection(text: "0 0 * * 1#", field: .dayOfWeek, column: 11, message: "occurrence '' after '#'"),
        Rejection(text: "0 0 * * 9#1", field: .dayOfWeek, column: 9, message: "value 9 is out of range 0-7"),
        Rejection(text: "@reboot", field: nil, column: 1, message: "@reboot is not supported"),
        Rejection(text: "@every 5m", field: nil, column: 1, message: "unknown macro '@every'"),
        Rejection(text: "@daily 5", field: nil, column: 8, message: "unexpected '5' after @daily"),
        Rejection(
            text: "0 0 30 2 *", field: .dayOfMonth, column: 5, message: "never fires: day 30 does not occur in February"
        ),
        Rejection(
            text: "0 0 31 4,6,9,11 *", field: .dayOfMonth, column: 5,
            message: "does not occur in April, June, September or November"),
        Rejection(text: "0 0 31 FEB */2", field: .dayOfMonth, column: 5, message: "never fires"),
    ])
    func rejects(_ rejection: Rejection) {
        #expect(throws: CronParseError.self) { try CronExpression(rejection.text) }
        do {
            _ = try CronExpression(rejection.text)
        } catch {
            #expect(error.field == rejection.field)
            #expect(error.column == rejection.column)
            #expect(error.message.contains(rejection.message), "\(error.message)")
            #expect(error.description.hasPrefix("\(error.fieldName): "))
            #expect(error.description.hasSuffix("(column \(rejection.column))"))
        }
    }

    @Test func neverFiringIsItsOwnKind() {
        #expect(throws: CronParseError.self) { try CronExpression("0 0 30 2 *") }
        do {
            _ = try CronExpression("0 0 30 2 *")
        } catch {
            #expect(error.kind == .neverFires)
        }
        do {
            _ = try CronExpression("0 0 32 2 *")
        } catch {
            #expect(error.kind == .syntax)
        }
    }

    @Test func dayThirtyInFebruaryFiresWhenWeekdaysMayMatchInstead() throws {
        // Both day fields restricted: either matching is enough, so Mondays in February fire.
        #expect(try CronExpression("0 0 30 2 MON").daysMustMatchBoth == false)
    }
}
