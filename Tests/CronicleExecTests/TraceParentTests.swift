import CronicleExec
import CronicleTestSupport
import Testing

/// TRACEPARENT for the child: the inherited trace kept, a new span each run.
@Suite struct TraceParentTests {
    @Test func keepsTheTraceOfAValidInheritedHeader() {
        let inherited = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let parent = TraceParent.forChild(inheriting: inherited)
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanID != "00f067aa0ba902b7")
        #expect(parent.description.wholeMatch(of: /00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01/) != nil)
    }

    @Test(arguments: [
        nil, "", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
    ])
    func startsANewTraceOtherwise(inherited: String?) {
        var generator = SeededGenerator(seed: 1)
        let parent = TraceParent.forChild(inheriting: inherited, using: &generator)
        #expect(parent.traceID != "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.description.wholeMatch(of: /00-[0-9a-f]{32}-[0-9a-f]{16}-01/) != nil)
        #expect(parent.traceID.contains { $0 != "0" })
    }
}
