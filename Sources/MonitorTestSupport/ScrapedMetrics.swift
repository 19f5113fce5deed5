import Foundation

/// The samples of a `GET /metrics` answer, read line by line as Prometheus reads the
/// text format (version 0.0.4), for tests to look values up by name and labels.
///
/// ```swift
/// let metrics = try ScrapedMetrics(try await monitor.request("GET", "/metrics").text)
/// #expect(metrics.value("cronicle_job_paused", ["job_id": "backup"]) == 0)
/// ```
public struct ScrapedMetrics: Sendable {
    public struct Sample: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]
        public var value: Double

        public init(name: String, labels: [String: String], value: Double) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public var samples: [Sample] = []
    /// `# TYPE` of each family, by its name.
    public var types: [String: String] = [:]
    /// `# HELP` of each family, by its name.
    public var help: [String: String] = [:]

    public init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") || line.hasPrefix("# HELP ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { throw ParseError(description: "bad comment line: \(line)") }
                if line.hasPrefix("# TYPE ") {
                    types[String(parts[0])] = String(parts[1])
                } else {
                    help[String(parts[0])] = String(parts[1])
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(Array(line.unicodeScalars)))
        }
    }

    /// Every sample named `name` whose labels include `labels`.
    public func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The value of the one sample named `name` with `labels`; nil when there is none or
    /// more than one.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let found = samples(name, labels)
        return found.count == 1 ? found[0].value : nil
    }

    /// The names of every sample (`_bucket`, `_sum`, `_count` of a histogram included).
    public var sampleNames: Set<String> { Set(samples.map(\.name)) }

    private static func sample(_ scalars: [Unicode.Scalar]) throws -> Sample {
        var index = 0
        func fail(_ why: String) -> ParseError {
            ParseError(description: "\(why) in: \(String(String.UnicodeScalarView(scalars)))")
        }
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                var label = ""
                while index < scalars.count, scalars[index] != "=" {
                    label.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index + 1 < scalars.count, scalars[index + 1] == "\"" else { throw fail("no quoted value") }
                index += 2
                var value = ""
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\" {
                        index += 1
                        guard index < scalars.count else { throw fail("a lone backslash") }
                        switch scalars[index] {
                        case "n": value.unicodeScalars.append("\n")
                        case "\\", "\"": value.unicodeScalars.append(scalars[index])
                        default: throw fail("an unknown escape")
                        }
                    } else {
                        value.unicodeScalars.append(scalars[index])
                    }
                    index += 1
                }
                guard index < scalars.count else { throw fail("an unterminated value") }
                index += 1
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice") }
                if index < scalars.count, scalars[index] == "," { index += 1 }
            }
            guard index < scalars.count else { throw fail("no closing brace") }
            index += 1
        }
        guard index < scalars.count, scalars[index] == " " else { throw fail("no value") }
        let text = String(String.UnicodeScalarView(scalars[(index + 1)...]))
        guard let value = Double(text) ?? (text == "+Inf" ? .infinity : nil) else { throw fail("a bad value") }
        return Sample(name: name, labels: labels, value: value)
    }
}
