import Yams

/// Turns one YAML document into a ``JobDefinition``, or into diagnostics that say
/// exactly which key or value is wrong. Values are typed by ``YAMLValueReader``.
struct JobDocumentParser {
    private var reader: YAMLValueReader
    var diagnostics: [Diagnostic] { reader.diagnostics }

    init(file: String) {
        reader = YAMLValueReader(file: file)
    }

    /// Whether the document is empty (a stray `---`, or comments only): not a job, not an error.
    static func isEmpty(_ node: Node) -> Bool {
        YAMLValueReader.isNullValue(node)
    }

    /// The job the document defines, or nil when any error was found in it.
    mutating func parse(_ node: Node) -> JobDefinition? {
        guard case .mapping(let mapping) = node else {
            reader.report(
                .notAMapping,
                "a job must be a mapping of keys such as job_id and schedule, found \(YAMLValueReader.kind(of: node))",
                at: node.mark)
            return nil
        }
        let errorsBefore = diagnostics.count
        let (values, keys) = reader.fields(
            of: mapping, example: "job_id", known: { JobField(rawValue: $0) },
            suggestion: { JobField.suggestion(for: $0)?.rawValue })
        var locations: [JobField: JobDefinition.FieldLocation] = [:]
        for (field, value) in values {
            locations[field] = JobDefinition.FieldLocation(
                key: reader.location(keys[field] ?? nil), value: reader.location(value.mark))
        }
        if values[.jobID] == nil {
            reader.report(.missingField, "missing required key 'job_id'", at: mapping.mark)
        }
        switch (values[.schedule], values[.every]) {
        case (nil, nil):
            reader.report(
                .missingField,
                "missing required key 'schedule' (a cron expression such as \"0 3 * * *\"), or 'every' for a job "
                    + "that pings at an interval (such as every: 1h)", at: mapping.mark)
        case (.some, .some(let every)):
            reader.report(
                .conflictingFields,
                "a job has either a schedule or every, not both: remove one (every: a ping is due that long after "
                    + "the last one; schedule: at the cron expression's times)", at: (keys[.every] ?? nil) ?? every.mark
            )
        default: break
        }
        var definition = JobDefinition(jobID: jobID(values[.jobID]) ?? "", schedule: schedule(values[.schedule]))
        definition.location = reader.location(mapping.mark)
        definition.fieldLocations = locations
        readOptionalFields(values, into: &definition)
        return diagnostics.count == errorsBefore ? definition : nil
    }

    /// A `_defaults.yaml` document, `defaults: {...}`: its fields read and checked as a
    /// job's, with their positions; nil when any error was found in it.
    mutating func parseDefaults(_ node: Node) -> JobDefinition? {
        let errorsBefore = diagnostics.count
        let example = "defaults: {max_runtime: 2h, tags: [billing]}"
        guard case .mapping(let document) = node else {
            reader.report(
                .notAMapping,
                "a _defaults.yaml file holds one mapping, such as \(example); found \(YAMLValueReader.kind(of: node))",
                at: node.mark)
            return nil
        }
        for (key, _) in document {
            guard case .scalar(let name) = key, name.string == "job_id" || name.string == "channel" else { continue }
            let kind = name.string == "job_id" ? "a job" : "a channel"
            reader.report(
                .invalidDefaults,
                "a _defaults.yaml file holds only the defaults of the jobs in its folder and below (\(example)); "
                    + "define \(kind) in a file of its own", at: key.mark)
            return nil
        }
        let (top, _) = reader.fields(
            of: document, example: "defaults", known: { $0 == "defaults" ? "defaults" : nil },
            suggestion: { _ in "defaults" })
        guard let inner = top["defaults"] else {
            if diagnostics.count == errorsBefore {
                reader.report(.missingField, "missing key 'defaults', as in \(example)", at: document.mark)
            }
            return nil
        }
        guard let mapping = reader.mapping(inner, name: "defaults", form: "of job fields such as {max_runtime: 2h}")
        else { return nil }
        let (values, keys) = reader.fields(
            of: mapping, example: "max_runtime", known: { JobField(rawValue: $0) },
            suggestion: { JobField.suggestion(for: $0)?.rawValue })
        var definition = JobDefinition(jobID: "", schedule: nil)
        definition.location = reader.location(mapping.mark)
        for (field, value) in values {
            if FolderDefaults.ownFields.contains(field) {
                let why =
                    switch field {
                    case .jobID: "each job names itself in its own file"
                    case .pingUUID: "each job needs a ping URL of its own"
                    default: "each job says when it runs in its own file"
                    }
                reader.report(
                    .invalidDefaults, "\(field.rawValue) cannot be a default: \(why); remove it from _defaults.yaml",
                    at: keys[field] ?? value.mark)
                continue
            }
            definition.fieldLocations[field] = JobDefinition.FieldLocation(
                key: reader.location(keys[field] ?? nil), value: reader.location(value.mark))
        }
        readOptionalFields(values.filter { !FolderDefaults.ownFields.contains($0.key) }, into: &definition)
        return diagnostics.count == errorsBefore ? definition : nil
    }

    private mutating func jobID(_ node: Node?) -> String? {
        guard let node, let jobID = reader.text(node, name: JobField.jobID.rawValue) else { return nil }
        if let problem = JobFieldRules.checkJobID(jobID) {
            reader.report(
                problem.rule, problem.message, at: node.mark,
                offset: YAMLValueReader.quoteWidth(node) + problem.offset)
        }
        return jobID
    }

    private mutating func schedule(_ node: Node?) -> String? {
        guard let node, let schedule = reader.text(node, name: JobField.schedule.rawValue) else { return nil }
        if case .failure(let problem) = JobFieldRules.checkSchedule(schedule) {
            reader.report(
                problem.rule, problem.message, at: node.mark,
                offset: YAMLValueReader.quoteWidth(node) + problem.offset)
        }
        return schedule
    }

    /// Every field but `job_id` and `schedule`: typed, checked against its rule, and set
    /// on `definition` when it has the right type.
    private mutating func readOptionalFields(_ values: [JobField: Node], into definition: inout JobDefinition) {
        if let node = values[.description], !YAMLValueReader.isNullValue(node) {
            definition.description = reader.text(node, name: JobField.description.rawValue)
        }
        if let node = values[.timezone], let zone = reader.text(node, name: JobField.timezone.rawValue) {
            if let problem = JobFieldRules.checkTimezone(zone) {
                reader.report(problem.rule, problem.message, at: node.mark, offset: YAMLValueReader.quoteWidth(node))
            }
            definition.timezone = zone
        }
        if let node = values[.tolerance],
            let tolerance = reader.duration(
                node, name: JobField.tolerance.rawValue, tooLong: JobFieldRules.toleranceTooLong(found:))
        {
            if let problem = JobFieldRules.checkTolerance(tolerance) {
                reader.report(problem.rule, problem.message, at: node.mark)
            }
            definition.tolerance = tolerance
        }
        if let node = values[.maxRuntime], !YAMLValueReader.isNullValue(node),
            let maxRuntime = reader.duration(
                node, name: JobField.maxRuntime.rawValue, tooLong: JobFieldRules.maxRuntimeTooLong(found:))
        {
            if let problem = JobFieldRules.checkMaxRuntime(maxRuntime) {
                reader.report(problem.rule, problem.message, at: node.mark)
            }
            definition.maxRuntime = maxRuntime
        }
        if let node = values[.isHealthCheck], let flag = reader.bool(node, name: JobField.isHealthCheck.rawValue) {
            definition.isHealthCheck = flag
        }
        if let node = values[.paused], let flag = reader.bool(node, name: JobField.paused.rawValue) {
            definition.paused = flag
        }
        if let node = values[.tags] {
            definition.tags = reader.strings(node, name: "tags", item: "tag", example: "[backup, prod]")
        }
        if let node = values[.every],
            let every = reader.duration(
                node, name: JobField.every.rawValue,
                tooLong: JobFieldRules.everyTooLong(found:))
        {
            if let problem = JobFieldRules.checkEvery(every) {
                reader.report(problem.rule, problem.message, at: node.mark)
            }
            definition.every = every
        }
        if let node = values[.expect],
            let expect = reader.choice(
                node, name: JobField.expect.rawValue, as: JobDefinition.Expect.self,
                explanation: "start: a start meets each expected time (the default); end: an end does")
        {
            definition.expect = expect
        }
        if let node = values[.watchFrom],
            let watchFrom = reader.choice(
                node, name: JobField.watchFrom.rawValue, as: JobDefinition.WatchFrom.self,
                explanation: "creation: watched from the moment it exists (the default); first_run: nothing is missed "
                    + "before its first ping")
        {
            definition.watchFrom = watchFrom
        }
        if let node = values[.pingUUID], let text = reader.text(node, name: JobField.pingUUID.rawValue) {
            switch JobFieldRules.checkPingUUID(text) {
            case .success(let uuid): definition.pingUUID = uuid
            case .failure(let problem):
                reader.report(problem.rule, problem.message, at: node.mark, offset: YAMLValueReader.quoteWidth(node))
            }
        }
        if let node = values[.notify] {
            definition.notify = reader.strings(
                node, name: "notify", item: "channel name", example: "[ops-slack, oncall]")
        }
        if let node = values[.lint] { definition.lintIgnore = lintIgnore(node) }
        readPolicyFields(values, into: &definition)
    }

    /// `min_runtime`, `failure_threshold` and `labels` (DESIGN 11.1).
    private mutating func readPolicyFields(_ values: [JobField: Node], into definition: inout JobDefinition) {
        if let node = values[.minRuntime], !YAMLValueReader.isNullValue(node),
            let minRuntime = reader.duration(
                node, name: JobField.minRuntime.rawValue, tooLong: JobFieldRules.minRuntimeTooLong(found:))
        {
            if let problem = JobFieldRules.checkMinRuntime(minRuntime) {
                reader.report(problem.rule, problem.message, at: node.mark)
            }
            definition.minRuntime = minRuntime
        }
        if let node = values[.failureThreshold],
            let threshold = reader.integer(node, name: JobField.failureThreshold.rawValue, in: Int.min...Int.max)
        {
            if let problem = JobFieldRules.checkFailureThreshold(threshold) {
                reader.report(problem.rule, problem.message, at: node.mark)
            }
            definition.failureThreshold = threshold
        }
        if let node = values[.labels] { definition.labels = labels(node) }
    }

    /// `labels: {team: data, tier: "1"}`: names as Prometheus allows them, values as text.
    private mutating func labels(_ node: Node) -> [String: String] {
        guard YAMLValueReader.isNullValue(node) == false,
            let mapping = reader.mapping(node, name: "labels", form: "of names to values such as {team: data}")
        else { return [:] }
        if mapping.count > JobFieldRules.mostLabels {
            reader.report(
                .invalidLabel,
                "a job may have at most \(JobFieldRules.mostLabels) labels, found \(mapping.count); each becomes a "
                    + "label of every metric of the job", at: node.mark)
        }
        var labels: [String: String] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key else {
                reader.report(
                    .wrongType,
                    "each label name must be a plain word such as team, found \(YAMLValueReader.kind(of: key))",
                    at: key.mark)
                continue
            }
            if let problem = JobFieldRules.checkLabelName(name.string) {
                reader.report(problem.rule, problem.message, at: key.mark)
                continue
            }
            guard case .scalar(let text) = value, !YAMLValueReader.isNullValue(value) else {
                reader.report(
                    .wrongType,
                    "label '\(name.string)' must have a text value such as data, found \(YAMLValueReader.kind(of: value))",
                    at: value.mark)
                continue
            }
            if let problem = JobFieldRules.checkLabelValue(name.string, text.string) {
                reader.report(problem.rule, problem.message, at: value.mark)
                continue
            }
            labels[name.string] = text.string
        }
        return labels
    }

    /// `lint: {ignore: [dst-affected, ...]}`: warning rules only (an error cannot be
    /// accepted: the job would not work), each known by its id.
    private mutating func lintIgnore(_ node: Node) -> [JobDefinition.IgnoredRule] {
        guard let mapping = reader.mapping(node, name: "lint", form: "such as {ignore: [dst-affected]}") else {
            return []
        }
        let (values, _) = reader.fields(
            of: mapping, example: "ignore", known: { $0 == "ignore" ? "ignore" : nil },
            suggestion: { _ in "ignore" })
        guard let list = values["ignore"] else { return [] }
        guard case .sequence(let sequence) = list else {
            reader.report(
                .wrongType,
                "lint.ignore must be a list of rule ids such as [dst-affected], found "
                    + YAMLValueReader.kind(of: list), at: list.mark)
            return []
        }
        var rules: [JobDefinition.IgnoredRule] = []
        for entry in sequence {
            guard let text = reader.text(entry, name: "each rule of lint.ignore") else { continue }
            guard let rule = LintRule(rawValue: text) else {
                var message = "'\(UntrustedText.excerpt(text))' is not a rule id"
                if let nearest = EditDistance.closest(to: text, among: LintRule.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(nearest)'?"
                }
                reader.report(
                    .invalidValue, message + " Warnings that can be ignored: \(LintRule.ignorableList)",
                    at: entry.mark)
                continue
            }
            guard rule.severity == .warning else {
                reader.report(
                    .invalidValue,
                    "\(rule.rawValue) is an error, and errors cannot be ignored: fix the job instead. Warnings that "
                        + "can be: \(LintRule.ignorableList)", at: entry.mark)
                continue
            }
            rules.append(JobDefinition.IgnoredRule(rule: rule, location: reader.location(entry.mark)))
        }
        return rules
    }
}
