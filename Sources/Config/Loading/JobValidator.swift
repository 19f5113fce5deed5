import Cron
import Foundation
import Yams

/// Validates job-definition files: YAML syntax, the schema of each document, and the
/// rules that span documents and files (unique ids) or need the schedule's meaning
/// (overlapping runs, daylight-saving effects).
///
/// ```swift
/// let report = JobValidator().validate(try JobFileFinder.files(in: ["jobs.d"]))
/// for diagnostic in report.diagnostics { print(diagnostic) }
/// ```
public struct JobValidator: Sendable {
    /// The instant from which daylight-saving effects are looked for; injected so a
    /// test gets the same warnings every year.
    public var now: Date
    /// How far ahead daylight-saving effects are looked for.
    public var horizon: TimeInterval
    /// When set, every secret reference of every channel must resolve with it: the
    /// monitor checks this way, on a sync it is sent, that it can reach each channel.
    public var secrets: (any SecretResolving)?
    /// Warnings accepted everywhere (`validate --ignore RULE`); one that silences
    /// nothing is itself an `unused-ignore` warning.
    public var ignoring: Set<LintRule>

    public init(
        now: Date = Date(), horizon: TimeInterval = 366 * 86_400, secrets: (any SecretResolving)? = nil,
        ignoring: Set<LintRule> = []
    ) {
        self.now = now
        self.horizon = horizon
        self.secrets = secrets
        self.ignoring = ignoring
    }

    public func validate(_ files: [DefinitionFile], commit: String? = nil) -> ValidationReport {
        let parsed = parseAll(files)
        var diagnostics = parsed.flatMap(\.diagnostics)
        var jobs: [JobDefinition] = []
        var firstDefinition: [String: SourceLocation] = [:]
        var firstPingUUID: [String: (jobID: String, location: SourceLocation)] = [:]
        for file in parsed {
            for (index, job) in file.jobs.enumerated() {
                let idLocation = job.fieldLocations[.jobID]?.value ?? job.location!
                if let first = firstDefinition[job.jobID] {
                    diagnostics.append(
                        Diagnostic(
                            at: idLocation, rule: .duplicateJobID,
                            message: "job_id '\(job.jobID)' is already defined at \(first)"))
                    continue
                }
                if let uuid = job.pingUUID {
                    let location = job.fieldLocations[.pingUUID]?.value ?? idLocation
                    if let first = firstPingUUID[uuid] {
                        diagnostics.append(
                            Diagnostic(
                                at: location, rule: .duplicatePingUUID,
                                message: "ping_uuid \(uuid) is already the ping URL of job '\(first.jobID)' at "
                                    + "\(first.location); each job needs its own: leave ping_uuid out to have one "
                                    + "generated"))
                        continue
                    }
                    firstPingUUID[uuid] = (job.jobID, location)
                }
                firstDefinition[job.jobID] = idLocation
                if let problem = JobFieldRules.checkRuntimeBounds(job) {
                    // Either bound may come from a folder's defaults: at the job's own, if any.
                    let place =
                        job.fieldLocations[.minRuntime]?.value ?? job.fieldLocations[.maxRuntime]?.value
                        ?? job.fieldLocations[.isHealthCheck]?.value ?? idLocation
                    diagnostics.append(Diagnostic(at: place, rule: problem.rule, message: problem.message))
                    continue
                }
                if job.labels.count > JobFieldRules.mostLabels {
                    diagnostics.append(
                        Diagnostic(
                            at: job.fieldLocations[.labels]?.value ?? idLocation, rule: .invalidLabel,
                            message: "job '\(job.jobID)' has \(job.labels.count) labels with its folder's defaults; "
                                + "the limit is \(JobFieldRules.mostLabels)"))
                    continue
                }
                jobs.append(job)
                var warnings = file.warnings[index]
                if file.documentCount == 1, file.channelDocumentCount == 0, file.windowDocumentCount == 0 {
                    let fileName = (file.path as NSString).lastPathComponent as NSString
                    if fileName.deletingPathExtension != job.jobID {
                        warnings.append(
                            Diagnostic(
                                at: idLocation, rule: .fileNameMismatch,
                                message: "file name '\(UntrustedText.excerpt(fileName.deletingPathExtension))' does "
                                    + "not match job_id '\(job.jobID)'; name the file "
                                    + "\(job.jobID).\(UntrustedText.excerpt(fileName.pathExtension))"))
                    }
                }
                diagnostics += Self.withoutIgnored(warnings, of: job)
            }
        }
        var channels = Self.uniqueByName(
            parsed.flatMap(\.channels), noun: "channel", rule: .duplicateChannel, name: \.name,
            location: \.location, &diagnostics)
        if let secrets { channels = resolvable(channels, secrets, &diagnostics) }
        jobs = checkNotifications(
            jobs, channels: channels, declared: Set(parsed.flatMap(\.channelNames)), &diagnostics)
        let windows = checkWindows(parsed.flatMap(\.windows), jobs: jobs, &diagnostics)
        let order = Dictionary(files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        if !ignoring.isEmpty {
            let silenced = Set(diagnostics.lazy.map(\.rule)).intersection(ignoring)
            diagnostics.removeAll { ignoring.contains($0.rule) && $0.severity == .warning }
            for rule in ignoring.subtracting(silenced).sorted(by: { $0.rawValue < $1.rawValue }) {
                diagnostics.append(
                    Diagnostic(
                        at: SourceLocation(file: "--ignore", line: 1, column: 1), rule: .unusedIgnore,
                        message: "--ignore \(rule.rawValue) silences nothing here; remove it"))
            }
        }
        diagnostics.sort {
            (order[$0.file] ?? 0, $0.line, $0.column, $0.severity) < (
                order[$1.file] ?? 0, $1.line, $1.column, $1.severity
            )
        }
        return ValidationReport(
            jobs: jobs, channels: channels, windows: windows, diagnostics: diagnostics, fileCount: files.count,
            jobCount: parsed.reduce(0) { $0 + $1.documentCount },
            channelCount: parsed.reduce(0) { $0 + $1.channelDocumentCount }, commit: commit)
    }

    /// `warnings` about `job` without those its `lint.ignore` accepts, and an
    /// `unused-ignore` warning for each of those rules that silenced nothing.
    static func withoutIgnored(_ warnings: [Diagnostic], of job: JobDefinition) -> [Diagnostic] {
        guard !job.lintIgnore.isEmpty else { return warnings }
        let ignored = Set(job.lintIgnore.map(\.rule))
        var kept = warnings.filter { !ignored.contains($0.rule) }
        let found = Set(warnings.map(\.rule))
        // A folder's defaults accept a warning for many jobs: only a job's own list is held to account.
        let own = job.defaultedFields[.lint] == nil
        for entry in job.lintIgnore where own && !found.contains(entry.rule) {
            kept.append(
                Diagnostic(
                    at: entry.location, rule: .unusedIgnore,
                    message: "lint.ignore lists \(entry.rule.rawValue), but job '\(job.jobID)' has no such warning; "
                        + "remove it"))
        }
        return kept
    }

    /// The channels in file order, each name once: a second definition is an error.
    /// Named documents (channels, windows) in file order, each name once: a second
    /// definition is `rule`, naming where the first is.
    private static func uniqueByName<Document>(
        _ documents: [Document], noun: String, rule: LintRule, name: (Document) -> String,
        location: (Document) -> SourceLocation?, _ diagnostics: inout [Diagnostic]
    ) -> [Document] {
        var unique: [Document] = []
        var first: [String: SourceLocation] = [:]
        for document in documents {
            let place = location(document) ?? SourceLocation(file: "", line: 1, column: 1)
            if let earlier = first[name(document)] {
                diagnostics.append(
                    Diagnostic(
                        at: place, rule: rule, message: "\(noun) '\(name(document))' is already defined at \(earlier)"))
                continue
            }
            first[name(document)] = place
            unique.append(document)
        }
        return unique
    }

    /// The windows in file order, each name once (a second definition is an error), and
    /// a warning for each that covers no job.
    private func checkWindows(
        _ windows: [WindowDefinition], jobs: [JobDefinition], _ diagnostics: inout [Diagnostic]
    ) -> [WindowDefinition] {
        let unique = Self.uniqueByName(
            windows, noun: "window", rule: .duplicateWindow, name: \.name, location: \.location, &diagnostics)
        for window in unique where !jobs.contains(where: window.covers) {
            diagnostics.append(
                Diagnostic(
                    at: window.location ?? SourceLocation(file: "", line: 1, column: 1), rule: .unusedWindow,
                    message: "window '\(window.name)' covers no job: its match selects none; fix the tags or "
                        + "job patterns, or remove the window"))
        }
        return unique
    }

    /// The channels whose every reference resolves; each one that does not is an error
    /// naming the reference, at the channel.
    private func resolvable(
        _ channels: [ChannelDefinition], _ secrets: any SecretResolving, _ diagnostics: inout [Diagnostic]
    ) -> [ChannelDefinition] {
        channels.filter { channel in
            var resolved = true
            for reference in channel.references {
                do {
                    _ = try secrets.value(of: reference)
                } catch {
                    resolved = false
                    diagnostics.append(
                        Diagnostic(
                            at: channel.location ?? SourceLocation(file: "", line: 1, column: 1),
                            rule: .unresolvableSecret,
                            message: "channel '\(channel.name)': \(error); set it where `cronicle serve` runs, or "
                                + "change the reference"))
                }
            }
            return resolved
        }
    }

    /// Every channel a job names must exist (an error, with the likeliest name), and
    /// every channel should reach some job (a warning). Jobs that name a missing
    /// channel are left out, as jobs with any error are.
    private func checkNotifications(
        _ jobs: [JobDefinition], channels: [ChannelDefinition], declared: Set<String>,
        _ diagnostics: inout [Diagnostic]
    ) -> [JobDefinition] {
        let names = declared
        // A name a folder's defaults give every job is reported once, at the defaults.
        var reported: Set<String> = []
        let valid = jobs.filter { job in
            let unknown = job.notify.filter { !names.contains($0) }
            for name in unknown {
                let own = job.fieldLocations[.notify].map { _ in job.defaultedFields[.notify] == nil } ?? false
                let place =
                    (own ? job.fieldLocations[.notify]?.value : job.defaultedFields[.notify])
                    ?? job.fieldLocations[.notify]?.value ?? job.location!
                guard reported.insert("\(place)|\(name)").inserted else { continue }
                var message = "notify names channel '\(UntrustedText.excerpt(name))', which no file defines"
                if let best = EditDistance.closest(to: name, among: names) {
                    message += "; did you mean '\(best)'?"
                } else {
                    message += "; define it in a document with channel: \(UntrustedText.excerpt(name))"
                }
                diagnostics.append(Diagnostic(at: place, rule: .unknownChannel, message: message))
            }
            return unknown.isEmpty
        }
        for channel in channels where !jobs.contains(where: channel.receives) {
            diagnostics.append(
                Diagnostic(
                    at: channel.location ?? SourceLocation(file: "", line: 1, column: 1), rule: .unusedChannel,
                    message: "channel '\(channel.name)' reaches no job: no job names it in notify, and its match "
                        + "selects none"))
        }
        return valid
    }

    // MARK: - One file

    struct ParsedFile: Sendable {
        var path: String
        var jobs: [JobDefinition] = []
        /// The warnings of each job, in the order of `jobs`; kept only for jobs whose id is not a duplicate.
        var warnings: [[Diagnostic]] = []
        var diagnostics: [Diagnostic] = []
        var documentCount = 0
        var channels: [ChannelDefinition] = []
        /// The names of every channel document, valid or not.
        var channelNames: [String] = []
        var channelDocumentCount = 0
        var windows: [WindowDefinition] = []
        var windowDocumentCount = 0
        /// A `_defaults.yaml` file's defaults, when it is one and has no error.
        var defaults: FolderDefaults?
    }

    /// Parses files, fills in each job's folder defaults, and finds each job's warnings,
    /// on every core: each file is independent of the others, and each job's warnings of
    /// the other jobs. Defaults are applied before warnings, which may depend on them.
    func parseAll(_ files: [DefinitionFile]) -> [ParsedFile] {
        let parsedSlots = ResultSlots<ParsedFile>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            parsedSlots.store(Self.parse(files[index]), at: index)
        }
        var parsedFiles = parsedSlots.values
        let defaults = Self.uniqueDefaults(&parsedFiles)
        let parsed = parsedFiles
        let results = ResultSlots<ParsedFile>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: parsed.count) { index in
            var file = parsed[index]
            if !defaults.isEmpty { file.jobs = file.jobs.map { FolderDefaults.apply(defaults, to: $0) } }
            file.warnings = file.jobs.map(warnings(for:))
            results.store(file, at: index)
        }
        return results.values
    }

    /// The defaults files, one per folder: a second one in a folder (`_defaults.yml` beside
    /// `_defaults.yaml`) is an error in its file.
    private static func uniqueDefaults(_ parsed: inout [ParsedFile]) -> [FolderDefaults] {
        var byFolder: [String: String] = [:]
        var unique: [FolderDefaults] = []
        for index in parsed.indices {
            guard let defaults = parsed[index].defaults else { continue }
            if let first = byFolder[defaults.folder] {
                parsed[index].diagnostics.append(
                    Diagnostic(
                        at: SourceLocation(file: defaults.file, line: 1, column: 1), rule: .invalidDefaults,
                        message: "the folder's defaults are already in \(first); keep one defaults file per folder"))
                continue
            }
            byFolder[defaults.folder] = defaults.file
            unique.append(defaults)
        }
        return unique
    }

    /// A `_defaults.yaml` file: one document, `defaults: {...}`.
    private static func parseDefaults(_ file: DefinitionFile, text: String, into result: inout ParsedFile) throws {
        let parser = try Parser(yaml: text, resolver: .basic, encoding: .utf8)
        var documents = 0
        while let node = try parser.nextRoot() {
            if JobDocumentParser.isEmpty(node) { continue }
            documents += 1
            var documentParser = JobDocumentParser(file: file.path)
            if documents > 1 {
                result.diagnostics.append(
                    Diagnostic(
                        at: SourceLocation(file: file.path, line: node.mark?.line ?? 1, column: 1),
                        rule: .invalidDefaults,
                        message: "a _defaults.yaml file holds one document, defaults: {...}; merge this one into it"))
                continue
            }
            if let values = documentParser.parseDefaults(node) {
                result.defaults = FolderDefaults(file: file.path, values: values)
            }
            result.diagnostics += documentParser.diagnostics
        }
    }

    static func parse(_ file: DefinitionFile) -> ParsedFile {
        var result = ParsedFile(path: file.path)
        if let refusal = file.refusal {
            result.diagnostics.append(refusal)
            return result
        }
        guard let text = String(data: file.contents, encoding: .utf8) else {
            result.diagnostics.append(
                Diagnostic(
                    at: SourceLocation(file: file.path, line: 1, column: 1), rule: .yamlSyntax,
                    message: "the file is not valid UTF-8 text"))
            return result
        }
        do {
            if FolderDefaults.isDefaultsFile(file.path) {
                try parseDefaults(file, text: text, into: &result)
                return result
            }
            // The encoding is given: Yams' default reads the whole process environment
            // (for YAMS_DEFAULT_ENCODING) at every parser, 40% of the time of a sync.
            let parser = try Parser(yaml: text, resolver: .basic, encoding: .utf8)
            while let node = try parser.nextRoot() {
                if JobDocumentParser.isEmpty(node) { continue }
                if WindowDocumentParser.isWindow(node) {
                    result.windowDocumentCount += 1
                    var windowParser = WindowDocumentParser(file: file.path)
                    if let window = windowParser.parse(node) { result.windows.append(window) }
                    result.diagnostics += windowParser.diagnostics
                    continue
                }
                if ChannelDocumentParser.isChannel(node) {
                    result.channelDocumentCount += 1
                    var channelParser = ChannelDocumentParser(file: file.path)
                    if let channel = channelParser.parse(node) { result.channels.append(channel) }
                    if let name = channelParser.declaredName { result.channelNames.append(name) }
                    result.diagnostics += channelParser.diagnostics
                    continue
                }
                if case .mapping(let mapping) = node, mapping["defaults"] != nil, mapping["job_id"] == nil {
                    result.diagnostics.append(
                        Diagnostic(
                            at: SourceLocation(file: file.path, line: node.mark?.line ?? 1, column: 1),
                            rule: .invalidDefaults,
                            message: "defaults apply only from a file named _defaults.yaml, to the jobs in its folder "
                                + "and below; move this document into one"))
                    continue
                }
                result.documentCount += 1
                var documentParser = JobDocumentParser(file: file.path)
                if let job = documentParser.parse(node) { result.jobs.append(job) }
                result.diagnostics += documentParser.diagnostics
            }
        } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            result.diagnostics += keys.sorted().map {
                duplicateKeyDiagnostic($0, mappingLine: context.mark.line, file: file.path, text: text)
            }
        } catch let error as YamlError {
            result.diagnostics.append(syntaxDiagnostic(error, file: file.path, text: text))
        } catch {
            result.diagnostics.append(
                Diagnostic(
                    at: SourceLocation(file: file.path, line: 1, column: 1), rule: .yamlSyntax,
                    message: UntrustedText.excerpt("\(error)")))
        }
        return result
    }

    /// Yams refuses a mapping with a repeated key before composing it, naming only the
    /// key; find the lines in the text so the report points at the repetition.
    private static func duplicateKeyDiagnostic(_ key: String, mappingLine: Int, file: String, text: String)
        -> Diagnostic
    {
        var occurrences: [(line: Int, column: Int)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where index + 1 >= mappingLine {
            let indentation = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indentation)
            if rest.hasPrefix("\(key):") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
                occurrences.append((index + 1, indentation + 1))
            }
        }
        guard occurrences.count >= 2 else {
            return Diagnostic(
                at: SourceLocation(file: file, line: mappingLine, column: 1), rule: .duplicateKey,
                message: "key '\(UntrustedText.excerpt(key))' appears twice")
        }
        return Diagnostic(
            at: SourceLocation(file: file, line: occurrences[1].line, column: occurrences[1].column),
            rule: .duplicateKey,
            message: "key '\(UntrustedText.excerpt(key))' appears twice; the first is on line \(occurrences[0].line)")
    }

    /// Yams' own descriptions of its errors reprint the offending line of the file (for
    /// a file without newlines, the whole file), so the message is built from the parts.
    private static func syntaxDiagnostic(_ error: YamlError, file: String, text: String) -> Diagnostic {
        var position: (line: Int, column: Int)?
        var message: String
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            position = (mark.line, mark.column)
            message = UntrustedText.excerpt(problem)
            if let context { message += " (\(UntrustedText.excerpt(context.text)) at line \(context.mark.line))" }
        case .reader(let problem, let offset, let value, _):
            position = offset.map { Self.position(ofByte: $0, in: text) }
            message = UntrustedText.excerpt(problem)
            if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: value)) {
                message += " (found U+\(String(format: "%04X", scalar.value)))"
            }
        default:
            message = UntrustedText.excerpt("\(error)")
        }
        if let line = position?.line, message.contains("alias") || message.contains("anchor") {
            let source = text.split(separator: "\n", omittingEmptySubsequences: false)
            if line - 1 < source.count, source[line - 1].contains("schedule:") {
                message += "; a schedule that starts with '*' must be quoted, as in schedule: \"*/5 * * * *\""
            }
        }
        return Diagnostic(
            at: SourceLocation(file: file, line: position?.line ?? 1, column: position?.column ?? 1),
            rule: .yamlSyntax, message: message)
    }

    /// The line and column of a byte offset, as libyaml's reader reports where it stopped.
    private static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        let bytes = text.utf8.prefix(max(0, offset))
        let lineStart = bytes.lastIndex(of: UInt8(ascii: "\n")).map { bytes.index(after: $0) } ?? bytes.startIndex
        let line = bytes.count { $0 == UInt8(ascii: "\n") } + 1
        // Characters are counted by their first bytes, which never splits one.
        return (line, bytes[lineStart...].count { $0 & 0xC0 != 0x80 } + 1)
    }

    // MARK: - Warnings that need the schedule's meaning

    func warnings(for job: JobDefinition) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let locations = job.fieldLocations
        let fallback = job.location ?? SourceLocation(file: "", line: 1, column: 1)
        if job.isHealthCheck, let maxRuntime = locations[.maxRuntime] {
            warnings.append(
                Diagnostic(
                    at: maxRuntime.key, rule: .ignoredMaxRuntime,
                    message: "max_runtime is ignored on a health check: a heartbeat has no end to wait for"))
        }
        if let every = job.every, let tolerance = locations[.tolerance], job.tolerance > every {
            warnings.append(
                Diagnostic(
                    at: tolerance.value, rule: .ambiguousTolerance,
                    message: "tolerance \(job.tolerance) is longer than every \(every): a missed ping is told only "
                        + "\(job.tolerance) after it was due, after \(every) more should have come; write a tolerance "
                        + "shorter than every"))
        }
        guard let schedule = job.schedule, case .success(let expression) = JobFieldRules.checkSchedule(schedule),
            let zone = TimeZone(identifier: job.timezone)
        else { return warnings }
        if let interval = expression.shortestInterval.map({ JobDuration(seconds: $0 * 60) }) {
            if !job.isHealthCheck, let maxRuntime = job.maxRuntime, maxRuntime > interval {
                warnings.append(
                    Diagnostic(
                        at: locations[.maxRuntime]?.value ?? fallback, rule: .runsOverlap,
                        message: "max_runtime \(maxRuntime) is longer than the \(interval) between two runs of "
                            + "'\(UntrustedText.excerpt(schedule))'; runs would overlap"))
            }
            if let tolerance = locations[.tolerance], job.tolerance >= interval {
                warnings.append(
                    Diagnostic(
                        at: tolerance.value, rule: .ambiguousTolerance,
                        message: "tolerance \(job.tolerance) is not shorter than the \(interval) between two runs of "
                            + "'\(UntrustedText.excerpt(schedule))'; a late start could not be told from the next run's"
                    ))
            }
        }
        if expression.isFixedTime {
            let changes = CronSchedule(expression, timeZone: zone)
                .clockChanges(from: now, to: now.addingTimeInterval(horizon))
            let scheduleLocation = locations[.schedule]?.value ?? fallback
            if let skipped = changes.first(where: { $0.kind == .skipped }) {
                warnings.append(
                    Diagnostic(
                        at: scheduleLocation, rule: .daylightSaving,
                        message: "in \(job.timezone), \(skipped.time) does not exist on \(skipped.date) (clocks jump "
                            + "from \(skipped.clocksFrom) to \(skipped.clocksTo)); that run happens at \(skipped.clocksTo) instead"
                    ))
            }
            if let repeated = changes.first(where: { $0.kind == .repeated }) {
                warnings.append(
                    Diagnostic(
                        at: scheduleLocation, rule: .daylightSaving,
                        message:
                            "in \(job.timezone), \(repeated.time) happens twice on \(repeated.date) (clocks go back "
                            + "from \(repeated.clocksFrom) to \(repeated.clocksTo)); the job runs once, in the first pass"
                    ))
            }
        }
        return warnings
    }
}

/// Fixed slots that concurrent workers fill, one slot each, read after all finished.
final class ResultSlots<Value>: @unchecked Sendable {
    // Unchecked because every index is written by exactly one worker, and read only
    // after `concurrentPerform` has returned; the buffer itself never moves.
    private let buffer: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ value: Value, at index: Int) {
        buffer[index] = value
    }

    var values: [Value] { buffer.map { $0! } }
}
