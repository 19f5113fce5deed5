import Cron
import Testing

@Suite struct CronDescriberTests {
    @Test(arguments: [
        ("0 0 * * *", "At 00:00"),
        ("*/5 * * * *", "Every 5 minutes"),
        ("30 6 * 1-6 1-5", "At 06:30, Monday through Friday, January through June"),
        ("0 0 L * *", "At 00:00 on the last day of the month"),
        ("0 9 * * 1#2", "At 09:00 on the second Monday of the month"),
        ("0 9 * * 5L", "At 09:00 on the last Friday of the month"),
        ("0 0 LW * *", "At 00:00 on the last weekday of the month"),
        ("* * * * *", "Every minute"),
        ("0 * * * *", "Every hour"),
        ("@hourly", "Every hour"),
        ("@daily", "At 00:00"),
        ("@weekly", "At 00:00 on Sunday"),
        ("@monthly", "At 00:00 on day 1 of the month"),
        ("@yearly", "At 00:00 on day 1 of the month in January"),
        ("15 * * * *", "At 15 minutes past the hour"),
        ("0 */2 * * *", "Every 2 hours"),
        ("15 */2 * * *", "At 15 minutes past the hour, every 2 hours"),
        ("0 9-17 * * *", "Every hour, from 09:00 through 17:00"),
        ("23 0-20/2 * * *", "At 23 minutes past the hour, every 2 hours from 00:23 through 20:23"),
        ("*/10 9-17 * * MON-FRI", "Every 10 minutes, between 09:00 and 17:59, Monday through Friday"),
        ("* 9 * * *", "Every minute, between 09:00 and 09:59"),
        ("0 0,12 * * *", "At 00:00 and 12:00"),
        ("0,30 8,20 * * *", "At 08:00, 08:30, 20:00 and 20:30"),
        ("5 4 * * SUN", "At 04:05 on Sunday"),
        ("5 4 * * 7", "At 04:05 on Sunday"),
        ("0 0 * * 1,3,5", "At 00:00 on Monday, Wednesday and Friday"),
        ("0 0 1,15 * *", "At 00:00 on days 1 and 15 of the month"),
        ("0 0 1-7 * *", "At 00:00 on days 1 through 7 of the month"),
        ("0 0 */2 * *", "At 00:00 on every 2nd day of the month"),
        ("0 0 * 1,7 *", "At 00:00 in January and July"),
        ("0 0 * */3 *", "At 00:00, every 3 months"),
        ("0 0 1 * MON", "At 00:00 on day 1 of the month or on Monday"),
        ("0 0 1 * MON-FRI", "At 00:00 on day 1 of the month or on Monday through Friday"),
        ("0 0 * * 1#1,5L", "At 00:00 on the first Monday of the month and the last Friday of the month"),
    ])
    func describes(expression: String, description: String) throws {
        #expect(try CronExpression(expression).explanation == description)
    }
}
