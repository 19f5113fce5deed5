import Config
import Foundation
import Testing

/// The three output formats of `validate`, compared byte for byte with files under
/// Fixtures/golden. After an intended change, regenerate them with
/// `CRONICLE_UPDATE_GOLDEN=1 swift test --filter ValidationReportFormattingTests`
/// and review the diff.
@Suite struct ValidationReportFormattingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/golden")

    static func report() throws -> ValidationReport {
        let files = try JobFileFinder.files(in: [root.appendingPathComponent("jobs.d").path]).map {
            DefinitionFile(path: String($0.path.dropFirst(root.path.count + 1)), contents: $0.contents)
        }
        return JobValidator(now: ISO8601DateFormatter().date(from: "2026-11-28T00:00:00Z")!).validate(files)
    }

    @Test(arguments: [("text", "expected.txt"), ("json", "expected.json"), ("github", "expected.github")])
    func matchesTheGoldenFile(format: String, file: String) throws {
        let output = try Self.report().formatted(try #require(ValidationReport.Format(rawValue: format)))
        let golden = Self.root.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["CRONICLE_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: golden)
        }
        #expect(output == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func colourIsOnlyAddedWhenAsked() throws {
        let report = try Self.report()
        #expect(!report.formatted(.text).contains("\u{1B}["))
        let colored = report.formatted(.text, colored: true)
        #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[1;33mwarning:\u{1B}[0m"))
    }
}

@Suite struct GitHubAnnotationEscapingTests {
    /// A line break or terminal escape in a message is shown escaped, as the text output
    /// shows it: an annotation is published, and must not be able to forge a line.
    @Test func escapesWorkflowCommandSyntax() {
        let diagnostic = Diagnostic(
            at: SourceLocation(file: "jobs.d/a,b:c.yaml", line: 2, column: 3), rule: .cronSyntax,
            message: "100% wrong\nsecond line\u{1B}[2J")
        let report = ValidationReport(jobs: [], diagnostics: [diagnostic], fileCount: 1, jobCount: 1)
        #expect(
            report.formatted(.github)
                == "::error file=jobs.d/a%2Cb%3Ac.yaml,line=2,col=3,title=cron-syntax::100%25 wrong\\nsecond line"
                + "\\u{1B}[2J\n")
    }

    @Test func summaryCountsInTheSingular() {
        let report = ValidationReport(jobs: [], diagnostics: [], fileCount: 1, jobCount: 1)
        #expect(report.summary == "0 errors, 0 warnings in 1 file, 1 job")
        #expect(
            report.formatted(.json)
                == "{\"channels\":0,\"diagnostics\":[],\"errors\":0,\"files\":1,\"jobs\":1,\"warnings\":0}\n")
        let withChannels = ValidationReport(jobs: [], diagnostics: [], fileCount: 2, jobCount: 3, channelCount: 1)
        #expect(withChannels.summary == "0 errors, 0 warnings in 2 files, 3 jobs, 1 channel")
    }
}
