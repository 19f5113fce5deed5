import Yams

/// Reads typed values out of YAML nodes for the document parsers (jobs, channels), by the
/// rules of YAML 1.2's core schema rather than Yams' YAML 1.1 resolver: only `true` and
/// `false` are booleans (`yes` and `no` are not), and a quoted `"30"` stays a string, so
/// a duration without a unit can be told from a number of minutes. Every value of the
/// wrong type is reported with its position and what was found, and read as nil.
struct YAMLValueReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ mark: Mark?, offset: Int = 0) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: (mark?.column ?? 1) + offset)
    }

    mutating func report(_ rule: LintRule, _ message: String, at mark: Mark?, offset: Int = 0) {
        diagnostics.append(Diagnostic(at: location(mark, offset: offset), rule: rule, message: message))
    }

    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    static func isNullValue(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && isNull(scalar.string)
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "'\(UntrustedText.excerpt(scalar.string))'"
        }
    }

    /// Quoted scalars start one column after their mark.
    static func quoteWidth(_ node: Node) -> Int {
        guard case .scalar(let scalar) = node else { return 0 }
        return scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? 1 : 0
    }

    mutating func text(_ node: Node, name: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNullValue(node) else {
            report(.wrongType, "\(name) must be a string, found \(Self.kind(of: node))", at: node.mark)
            return nil
        }
        return scalar.string
    }

    /// The mapping `node` is, or nil after saying what was found instead; `form` shows
    /// what to write ("such as {tags: [prod]}").
    mutating func mapping(_ node: Node, name: String, form: String) -> Node.Mapping? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, "\(name) must be a mapping \(form), found \(Self.kind(of: node))", at: node.mark)
            return nil
        }
        return mapping
    }

    /// One of `T`'s values, written as its raw value; anything else is `invalid-value`,
    /// listing the choices, with `explanation` (what each means) after them.
    mutating func choice<T: RawRepresentable & CaseIterable>(
        _ node: Node, name: String, as type: T.Type, explanation: String? = nil
    ) -> T? where T.RawValue == String {
        guard let text = text(node, name: name) else { return nil }
        if let value = T(rawValue: text) { return value }
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        report(
            .invalidValue,
            "\(name) '\(UntrustedText.excerpt(text))' is not one of \(choices)" + (explanation.map { "; \($0)" } ?? ""),
            at: node.mark)
        return nil
    }

    mutating func bool(_ node: Node, name: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(.wrongType, "\(name) must be true or false, found \(Self.kind(of: node))", at: node.mark)
        return nil
    }

    /// A whole number in `range`, written as a plain scalar.
    mutating func integer(_ node: Node, name: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            report(.wrongType, "\(name) must be a whole number, found \(Self.kind(of: node))", at: node.mark)
            return nil
        }
        guard range.contains(value) else {
            report(
                .outOfRange, "\(name) must be from \(range.lowerBound) to \(range.upperBound), found \(value)",
                at: node.mark)
            return nil
        }
        return value
    }

    /// A duration: a number of minutes, or a string with units (`90s`, `1h30m`). A value
    /// too long even to hold is reported by `tooLong` when given (the field's own limit
    /// says what to write), else as an invalid duration.
    mutating func duration(
        _ node: Node, name: String, tooLong: ((_ found: String) -> JobFieldRules.Problem)? = nil
    ) -> JobDuration? {
        guard case .scalar(let scalar) = node, !Self.isNullValue(node) else {
            report(
                .wrongType,
                "\(name) must be a number of minutes or a string such as \"15m\", found \(Self.kind(of: node))",
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
            let written = UntrustedText.excerpt(scalar.string)
            let found = isNumber ? "\(written) minutes" : "\"\(written)\""
            if error.isTooLong, let problem = tooLong?(found) {
                report(problem.rule, problem.message, at: node.mark)
            } else {
                report(.invalidDuration, "\(name): \(error.message)", at: node.mark)
            }
            return nil
        }
    }

    /// A list of non-empty strings, such as `[backup, prod]`; `example` shows the form in
    /// the message when something else was written, `item` names one entry.
    mutating func strings(_ node: Node, name: String, item: String, example: String) -> [String] {
        guard case .sequence(let sequence) = node else {
            report(.wrongType, "\(name) must be a list such as \(example), found \(Self.kind(of: node))", at: node.mark)
            return []
        }
        var values: [String] = []
        let itemName = item
        for entry in sequence {
            guard case .scalar(let scalar) = entry, !scalar.string.isEmpty else {
                report(
                    .wrongType, "each \(itemName) must be a non-empty string, found \(Self.kind(of: entry))",
                    at: entry.mark)
                continue
            }
            values.append(scalar.string)
        }
        return values
    }

    /// `match: {tags: [prod], jobs: ["billing_*"]}`: which jobs a channel or a window selects.
    mutating func match(_ node: Node) -> ChannelDefinition.Match? {
        guard let mapping = mapping(node, name: "match", form: "with tags and jobs, such as {tags: [prod]}")
        else { return nil }
        enum MatchField: String { case tags, jobs }
        let (values, _) = fields(
            of: mapping, example: "tags", known: { MatchField(rawValue: $0) },
            suggestion: { EditDistance.closest(to: $0, among: ["tags", "jobs"]) })
        var match = ChannelDefinition.Match()
        if let tags = values[.tags] {
            match.tags = strings(tags, name: "match.tags", item: "tag", example: "[prod]")
        }
        if let jobs = values[.jobs] {
            match.jobs = strings(jobs, name: "match.jobs", item: "job id pattern", example: "[\"billing_*\"]")
        }
        return match
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

    /// The keys of a mapping and their values, each key once: keys that are not plain
    /// words, or that appear twice, are reported and left out. `known` turns a key into
    /// its field, or says what it might have meant.
    mutating func fields<Field: Hashable>(
        of mapping: Node.Mapping, example: String, known: (String) -> Field?, suggestion: (String) -> String?
    ) -> (values: [Field: Node], keys: [Field: Mark?]) {
        var seen: [String: Mark?] = [:]
        var values: [Field: Node] = [:]
        var keys: [Field: Mark?] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                report(
                    .wrongType, "keys must be plain words such as \(example), found \(Self.kind(of: keyNode))",
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
            guard let field = known(key) else {
                var message = "unknown key '\(UntrustedText.excerpt(key))'"
                if let suggestion = suggestion(key) { message += "; did you mean '\(suggestion)'?" }
                report(.unknownKey, message, at: keyNode.mark)
                continue
            }
            values[field] = value
            keys[field] = keyNode.mark
        }
        return (values, keys)
    }
}
