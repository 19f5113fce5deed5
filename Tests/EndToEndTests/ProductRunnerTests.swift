import CronicleTestSupport
import Foundation
import Testing

/// The runner every end-to-end test starts commands with.
struct ProductRunnerTests {
    @Test func aChildThatWritesAMebibyteToStandardErrorFinishes() async throws {
        // More than a pipe holds (64 KiB), on the stream read second: reading the streams
        // one after the other would wait here forever.
        let result = try await ProductRunner.run(
            executable: URL(fileURLWithPath: "/bin/sh"),
            ["-c", "head -c 1048576 /dev/zero | tr '\\0' e >&2; echo done"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "done\n")
        #expect(result.standardError.utf8.count == 1_048_576)
        #expect(result.standardError.allSatisfy { $0 == "e" })
    }
}
