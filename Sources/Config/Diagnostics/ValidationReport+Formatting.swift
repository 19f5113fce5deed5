import Foundation

extension ValidationReport {
    /// The output formats of `cronicle-sync validate --format`.
    public enum Format: String, CaseIterable, Sendable {
        case text
        case json
        case github
    }

    public func formatted(_ format: Format, colored: Bool = false) -> String {
        switch format {
        case .text: textOutput(colored: colored)
        case .json: jsonOutput()
        case .github: githubOutput()
        }
    }

    /// `2 errors, 1 warning in 14 files, 31 jobs` (`, 2 channels`, `, 1 window` when there are any)
    public var summary: String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        return "\(count(errorCount, "error")), \(count(warningCount, "warning")) in \(count(fileCount, "file")), "
            + count(jobCount, "job") + (channelCount > 0 ? ", \(count(channelCount, "channel"))" : "")
            + (windows.isEmpty ? "" : ", \(count(windows.count, "window"))")
    }

    /// Compiler-style lines, then the summary. Colour is for terminals only.
    private func textOutput(colored: Bool) -> String {
        var lines: [String] = []
        for diagnostic in diagnostics {
            guard colored else {
                lines.append(diagnostic.description)
                continue
            }
            let colour = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
            let location = SourceLocation(
                file: UntrustedText.escaped(diagnostic.file), line: diagnostic.line, column: diagnostic.column)
            lines.append(
                "\u{1B}[1m\(location):\u{1B}[0m \(colour)\(diagnostic.severity.rawValue):\u{1B}[0m "
                    + "\(UntrustedText.escaped(diagnostic.message)) \u{1B}[2m[\(diagnostic.rule.rawValue)]\u{1B}[0m")
        }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    private struct JSONReport: Encodable {
        let diagnostics: [Diagnostic]
        let errors: Int
        let warnings: Int
        let files: Int
        let jobs: Int
        let channels: Int
        let commit: String?
    }

    private func jsonOutput() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let report = JSONReport(
            diagnostics: diagnostics, errors: errorCount, warnings: warningCount, files: fileCount, jobs: jobCount,
            channels: channelCount, commit: commit)
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// GitHub Actions workflow commands, which annotate the lines of a pull request.
    /// Control characters, line breaks among them, are escaped as the text output shows
    /// them, so no line of a file can forge a workflow command or reach the annotation raw.
    private func githubOutput() -> String {
        func escapeData(_ text: String) -> String {
            UntrustedText.escaped(text).replacingOccurrences(of: "%", with: "%25")
        }
        func escapeProperty(_ text: String) -> String {
            escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        return diagnostics.map { diagnostic in
            "::\(diagnostic.severity.rawValue) file=\(escapeProperty(diagnostic.file)),line=\(diagnostic.line),"
                + "col=\(diagnostic.column),title=\(diagnostic.rule.rawValue)::\(escapeData(diagnostic.message))\n"
        }.joined()
    }
}
