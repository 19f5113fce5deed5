import Yams

/// Turns one YAML document into a ``JobDefinition``, or into diagnostics that say
/// exactly which key or value is wrong.
///
/// Scalars are typed here, by the rules of YAML 1.2's core schema, rather than by
/// Yams' YAML 1.1 resolver: only `true` and `false` are booleans (`yes` and `no` are
/// not), and a quoted `"30"` stays a string, so a duration without a unit can be told
/// from a number of minutes.
struct JobDocumentParser {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    private func location(_ mark: Mark?, offset: Int = 0) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: (mark?.column ?? 1) + offset)
    }

    private mutating func report(_ rule: LintRule, _ message: String, at mark: Mark?, offset: Int = 0) {
        diagnostics.append(Diagnostic(at: location(mark, offset: offset), rule: rule, message: message))
    }

    /// Whether the document is empty (a stray `---`, or comments only): not a job, not an error.
    static func isEmpty(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && isNull(scalar.string)
    }

    private static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The job the document defines, or nil when any error was found in it.
    mutating func parse(_ node: Node) -> JobDefinition? {
        guard case .mapping(let mapping) = node else {
            report(
                .notAMapping,
                "a job must be a mapping of keys such as job_id and schedule, found \(Self.kind(of: node))",
                at: node.mark)
            return nil
        }
        let errorsBefore = diagnostics.count
        let (values, locations) = fields(of: mapping)
        for required in [JobField.jobID, .schedule] where values[required] == nil {
            report(.missingField, "missing required key '\(required.rawValue)'", at: mapping.mark)
        }
        var definition = JobDefinition(jobID: jobID(values[.jobID]) ?? "", schedule: schedule(values[.schedule]) ?? "")
        definition.location = location(mapping.mark)
        definition.fieldLocations = locations
        readOptionalFields(values, into: &definition)
        return diagnostics.count == errorsBefore ? definition : nil
    }

    /// The mapping's known keys and their values, each with where it was written; keys
    /// that are not plain words, appear twice or are unknown are reported and left out.
    private mutating func fields(of mapping: Node.Mapping) -> (
        values: [JobField: Node], locations: [JobField: JobDefinition.FieldLocation]
    ) {
        var seen: [String: Mark?] = [:]
        var values: [JobField: Node] = [:]
        var locations: [JobField: JobDefinition.FieldLocation] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                report(
                    .wrongType, "keys must be plain words such as job_id, found \(Self.kind(of: keyNode))",
                    at: keyNode.mark)
                continue
            }
            let key = keyScalar.string
            if let first = seen[key] {
                report(
                    .duplicateKey,
                    "key '\(UntrustedText.excerpt(key))' appears twice; the first is on line \(first?.line ?? 1)",
                    at: keyNode.mark)
                continue
            }
            seen[key] = keyNode.mark
            guard let field = JobField(rawValue: key) else {
                var message = "unknown key '\(UntrustedText.excerpt(key))'"
                if let suggestion = JobField.suggestion(for: key) {
                    message += "; did you mean '\(suggestion.rawValue)'?"
                }
                report(.unknownKey, message, at: keyNode.mark)
                continue
            }
            values[field] = value
            locations[field] = JobDefinition.FieldLocation(key: location(keyNode.mark), value: location(value.mark))
        }
        return (values, locations)
    }

    private mutating func jobID(_ node: Node?) -> String? {
        guard let node, let jobID = text(node, field: .jobID) else { return nil }
        if let problem = JobFieldRules.checkJobID(jobID) {
            report(problem.rule, problem.message, at: node.mark, offset: Self.quoteWidth(node) + problem.offset)
        }
        return jobID
    }

    private mutating func schedule(_ node: Node?) -> String? {
        guard let node, let schedule = text(node, field: .schedule) else { return nil }
        if case .failure(let problem) = JobFieldRules.checkSchedule(schedule) {
            report(problem.rule, problem.message, at: node.mark, offset: Self.quoteWidth(node) + problem.offset)
        }
        return schedule
    }

    /// Every field but `job_id` and `schedule`: typed, checked against its rule, and set
    /// on `definition` when it has the right type.
    private mutating func readOptionalFields(_ values: [JobField: Node], into definition: inout JobDefinition) {
        if let node = values[.description], !isNullValue(node) {
            definition.description = text(node, field: .description)
        }
        if let node = values[.timezone], let zone = text(node, field: .timezone) {
            if let problem = JobFieldRules.checkTimezone(zone) {
                report(problem.rule, problem.message, at: node.mark, offset: Self.quoteWidth(node))
            }
            definition.timezone = zone
        }
        if let node = values[.tolerance], let tolerance = duration(node, field: .tolerance) {
            if let problem = JobFieldRules.checkTolerance(tolerance) {
                report(problem.rule, problem.message, at: node.mark)
            }
            definition.tolerance = tolerance
        }
        if let node = values[.maxRuntime], !isNullValue(node), let maxRuntime = duration(node, field: .maxRuntime) {
            if let problem = JobFieldRules.checkMaxRuntime(maxRuntime) {
                report(problem.rule, problem.message, at: node.mark)
            }
            definition.maxRuntime = maxRuntime
        }
        if let node = values[.isHealthCheck], let flag = bool(node, field: .isHealthCheck) {
            definition.isHealthCheck = flag
        }
        if let node = values[.paused], let flag = bool(node, field: .paused) {
            definition.paused = flag
        }
        if let node = values[.tags] {
            definition.tags = tags(node)
        }
    }

    // MARK: - Typed values

    private static func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "'\(UntrustedText.excerpt(scalar.string))'"
        }
    }

    /// Quoted scalars start one column after their mark.
    private static func quoteWidth(_ node: Node) -> Int {
        guard case .scalar(let scalar) = node else { return 0 }
        return scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? 1 : 0
    }

    private func isNullValue(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && Self.isNull(scalar.string)
    }

    private mutating func text(_ node: Node, field: JobField) -> String? {
        guard case .scalar(let scalar) = node, !isNullValue(node) else {
            report(.wrongType, "\(field.rawValue) must be a string, found \(Self.kind(of: node))", at: node.mark)
            return nil
        }
        return scalar.string
    }

    private mutating func bool(_ node: Node, field: JobField) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(.wrongType, "\(field.rawValue) must be true or false, found \(Self.kind(of: node))", at: node.mark)
        return nil
    }

    private mutating func duration(_ node: Node, field: JobField) -> JobDuration? {
        guard case .scalar(let scalar) = node, !isNullValue(node) else {
            report(
                .wrongType,
                "\(field.rawValue) must be a number of minutes or a string such as \"15m\", found \(Self.kind(of: node))",
                at: node.mark)
            return nil
        }
        let isNumber = scalar.style == .plain && Self.isDecimalNumber(scalar.string)
        do throws(JobDuration.ParseError) {
            if isNumber, let minutes = Double(scalar.string) {
                return try JobDuration(minutes: minutes)
            }
            return try JobDuration(parsing: scalar.string)
        } catch {
            // Too long even to hold (1e300): the field's own limit says what to write.
            let written = UntrustedText.excerpt(scalar.string)
            let found = isNumber ? "\(written) minutes" : "\"\(written)\""
            let problem: JobFieldRules.Problem? =
                switch field {
                case .tolerance where error.isTooLong: JobFieldRules.toleranceTooLong(found: found)
                case .maxRuntime where error.isTooLong: JobFieldRules.maxRuntimeTooLong(found: found)
                default: nil
                }
            if let problem {
                report(problem.rule, problem.message, at: node.mark)
            } else {
                report(.invalidDuration, "\(field.rawValue): \(error.message)", at: node.mark)
            }
            return nil
        }
    }

    /// A number as YAML 1.2's core schema writes one in decimal: a sign, digits with at
    /// most one point, and an exponent (`30`, `-5`, `1.5`, `.5`, `1e3`). `inf`, `nan`
    /// and `0x10`, which `Double` would also read, are not.
    static func isDecimalNumber(_ text: String) -> Bool {
        func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { isDigit($0) || $0 == "." }
        guard mantissa.contains(where: isDigit), mantissa.count(where: { $0 == "." }) <= 1 else { return false }
        rest = rest.dropFirst(mantissa.count)
        guard let exponent = rest.first else { return true }
        guard exponent == "e" || exponent == "E" else { return false }
        rest = rest.dropFirst()
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(isDigit)
    }

    private mutating func tags(_ node: Node) -> [String] {
        guard case .sequence(let sequence) = node else {
            report(
                .wrongType, "tags must be a list such as [backup, prod], found \(Self.kind(of: node))", at: node.mark)
            return []
        }
        var tags: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, !scalar.string.isEmpty else {
                report(.wrongType, "each tag must be a non-empty string, found \(Self.kind(of: item))", at: item.mark)
                continue
            }
            tags.append(scalar.string)
        }
        return tags
    }
}
