import Config
import CronicleTestSupport
import Foundation
import Testing

@Suite struct JobFileFinderTests {
    @Test func findsYAMLRecursivelyInAStableOrderSkippingHidden() throws {
        let folder = try TemporaryFolder()
        for path in [
            "jobs.d/b.yaml", "jobs.d/a.yml", "jobs.d/team/c.yaml", "jobs.d/Z.yaml", "jobs.d/.hidden.yaml",
            "jobs.d/.git/d.yaml", "jobs.d/notes.txt", "jobs.d/team/deeper/e.yaml",
        ] {
            try folder.write(path, "job_id: x\n")
        }
        let files = try JobFileFinder.files(in: [folder.url("jobs.d")])
        let names = files.map { String($0.path.dropFirst(folder.path.count + 1)) }
        #expect(
            names == [
                "jobs.d/Z.yaml", "jobs.d/a.yml", "jobs.d/b.yaml", "jobs.d/team/c.yaml", "jobs.d/team/deeper/e.yaml",
            ])
    }

    @Test func keepsThePathsAsGiven() throws {
        let folder = try TemporaryFolder()
        try folder.write("jobs.d/a.yaml", "job_id: a\n")
        let withSlash = try JobFileFinder.files(in: [folder.url("jobs.d") + "/"])
        #expect(withSlash.map(\.path) == [folder.url("jobs.d") + "/a.yaml"])
        let file = try JobFileFinder.files(in: [folder.url("jobs.d/a.yaml")])
        #expect(file.map(\.path) == [folder.url("jobs.d/a.yaml")])
        #expect(file.first?.contents == Data("job_id: a\n".utf8))
    }

    @Test func aMissingPathIsOneClearError() {
        #expect(throws: JobSourceError("/nonexistent/jobs.d: no such file or folder")) {
            try JobFileFinder.files(in: ["/nonexistent/jobs.d"])
        }
    }
}
