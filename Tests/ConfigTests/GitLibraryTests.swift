import Config
import Testing

@Suite struct GitLibraryTests {
    @Test func linksTheSystemLibgit2() {
        let git = GitLibrary()
        let parts = git.version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count == 3)
        #expect(parts.first == 1, "libgit2 1.x is what Debian ships and what the wrapper is written for")
    }
}
