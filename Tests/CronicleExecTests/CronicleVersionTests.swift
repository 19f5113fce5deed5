import CronicleBuildInfo
import Testing

@Suite struct CronicleVersionTests {
    @Test func versionIsSemantic() {
        let core = CronicleVersion.current.split(separator: "-")[0]
        #expect(core.split(separator: ".").count == 3)
        #expect(core.split(separator: ".").allSatisfy { Int($0) != nil })
    }
}
