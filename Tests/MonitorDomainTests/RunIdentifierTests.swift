import Foundation
import Testing

@testable import MonitorDomain

@Suite struct RunIdentifierTests {
    @Test func timeOrderedVersionSevenUUIDsInLowercase() {
        let ids = (0..<1000).map { _ in RunIdentifier.generate() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            #expect(UUID(uuidString: id) != nil, "\(id)")
            #expect(id == id.lowercased() && id.count == 36)
            let characters = Array(id)
            #expect(characters[14] == "7")
            #expect("89ab".contains(characters[19]))
        }
        let earlier = RunIdentifier.generate(at: Date(timeIntervalSince1970: 1_800_000_000))
        let later = RunIdentifier.generate(at: Date(timeIntervalSince1970: 1_800_000_000.002))
        #expect(earlier < later, "ids sort by time")
        #expect(earlier.hasPrefix("01a3185c-5000-7"))
    }
}
