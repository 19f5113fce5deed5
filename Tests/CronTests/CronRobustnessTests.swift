import Cron
import CronicleTestSupport
import Foundation
import Testing

/// Hundreds of thousands of random and mutated strings through the parser: none may
/// crash it, and each is either parsed (and then has a fire time) or rejected with
/// a message and a column inside the text.
@Suite struct CronRobustnessTests {
    static let seeds = [
        "*/5 * * * *", "30 6 * 1-6 1-5", "0 0 L * *", "0 9 * * 1#2", "0 9 * * 5L", "0 0 LW * *", "@daily",
        "1-30/7 0,12 */2 JAN-MAR mon-fri", "5/15 * 1,15 * 7",
    ]
    static let alphabet = Array("0123456789*/-,#LW? @abcdefghijklmnopqrstuvwxyzJANFEBMONSUNT\t\u{00A0}é日")

    static func mutate(_ text: String, using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: characters.insert(alphabet.randomElement(using: &random)!, at: position)
            case 1 where !characters.isEmpty: characters.remove(at: position)
            default:
                if !characters.isEmpty { characters[position] = alphabet.randomElement(using: &random)! }
            }
        }
        return String(characters)
    }

    static func randomText(using random: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    @Test(arguments: 0..<4)
    func everyStringIsParsedOrRejectedWithAPosition(batch: Int) {
        var random = SeededGenerator(seed: 7 &+ UInt64(batch))
        var parsed = 0
        var rejected = 0
        let after = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<60_000 {
            let text =
                index % 3 == 0
                ? Self.randomText(using: &random)
                : Self.mutate(Self.seeds.randomElement(using: &random)!, using: &random)
            do throws(CronParseError) {
                let expression = try CronExpression(text)
                parsed += 1
                if index % 8 == 0 {
                    #expect(CronSchedule(expression).nextFireTime(after: after) != nil, "'\(text)'")
                    _ = expression.explanation
                }
            } catch {
                rejected += 1
                #expect(!error.message.isEmpty)
                #expect((1...(text.count + 1)).contains(error.column), "'\(text)': \(error)")
            }
        }
        #expect(parsed > 1_000, "the mutations should keep some expressions valid")
        #expect(rejected > 10_000)
    }
}
