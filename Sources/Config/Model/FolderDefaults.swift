import Foundation

/// The job fields a folder's `_defaults.yaml` gives every job in it and below
/// (DESIGN 11.2):
///
/// ```yaml
/// # jobs.d/billing/_defaults.yaml
/// defaults:
///   tags: [billing]
///   notify: [billing-slack]
///   max_runtime: 2h
/// ```
///
/// The nearest folder wins, and a job's own value wins over every default; `tags` and
/// `notify` are merged (every folder's, then the job's), and so are `labels`, by name.
public struct FolderDefaults: Sendable, Hashable {
    /// The folder the file is in (`jobs.d/billing`), as the file's path spells it.
    public var folder: String
    /// The file's path, for messages.
    public var file: String
    /// The fields the file sets, with their positions in `fieldLocations`; the rest unset.
    public var values: JobDefinition

    /// The names of the files that hold a folder's defaults.
    public static let fileNames: Set<String> = ["_defaults.yaml", "_defaults.yml"]

    /// Fields each job must write itself: its identity and its times.
    public static let ownFields: [JobField] = [.jobID, .schedule, .every, .pingUUID]

    public static func isDefaultsFile(_ path: String) -> Bool {
        fileNames.contains((path as NSString).lastPathComponent)
    }

    public init(file: String, values: JobDefinition) {
        self.file = file
        self.folder = (file as NSString).deletingLastPathComponent
        self.values = values
    }

    /// Whether the defaults reach a job defined in `file`: the same folder, or one below.
    public func reaches(file: String) -> Bool {
        let jobFolder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty || jobFolder == folder || jobFolder.hasPrefix(folder + "/")
    }

    /// `job` with the defaults of `chain` (every folder's defaults that reach it) filled
    /// in, and where each value came from in ``JobDefinition/defaultedFields``.
    public static func apply(_ chain: [FolderDefaults], to job: JobDefinition) -> JobDefinition {
        let reaching = chain.filter { $0.reaches(file: job.location?.file ?? "") }
        guard !reaching.isEmpty else { return job }
        // Nearest last: the deepest folder has the longest path.
        let ordered = reaching.sorted { $0.folder.count < $1.folder.count }
        var result = job
        for defaults in ordered {
            for (field, location) in defaults.values.fieldLocations where !job.fieldLocations.keys.contains(field) {
                result.copy(field, from: defaults.values)
                result.defaultedFields[field] = location.value
            }
        }
        // Merged lists: every folder's, farthest first, then the job's own.
        for field in [JobField.tags, .notify] {
            let contributing = ordered.filter { $0.values.fieldLocations[field] != nil }
            guard !contributing.isEmpty else { continue }
            var merged: [String] = []
            for list in contributing.map({ $0.values.list(field) }) + [job.list(field)] {
                for item in list where !merged.contains(item) { merged.append(item) }
            }
            result.setList(field, merged)
            result.defaultedFields[field] = contributing.last!.values.fieldLocations[field]!.value
        }
        let labelled = ordered.filter { $0.values.fieldLocations[.labels] != nil }
        if !labelled.isEmpty {
            var labels: [String: String] = [:]
            for defaults in labelled { labels.merge(defaults.values.labels) { _, nearer in nearer } }
            labels.merge(job.labels) { _, own in own }
            result.labels = labels
            result.defaultedFields[.labels] = labelled.last!.values.fieldLocations[.labels]!.value
        }
        return result
    }
}

extension JobDefinition {
    /// Sets `field` to its value in `other`.
    fileprivate mutating func copy(_ field: JobField, from other: JobDefinition) {
        switch field {
        case .jobID, .schedule, .every, .pingUUID: break  // never defaults
        case .description: description = other.description
        case .timezone: timezone = other.timezone
        case .tolerance: tolerance = other.tolerance
        case .maxRuntime: maxRuntime = other.maxRuntime
        case .isHealthCheck: isHealthCheck = other.isHealthCheck
        case .tags: tags = other.tags
        case .paused: paused = other.paused
        case .notify: notify = other.notify
        case .expect: expect = other.expect
        case .watchFrom: watchFrom = other.watchFrom
        case .lint: lintIgnore = other.lintIgnore
        case .minRuntime: minRuntime = other.minRuntime
        case .failureThreshold: failureThreshold = other.failureThreshold
        case .labels: labels = other.labels
        }
    }

    fileprivate func list(_ field: JobField) -> [String] { field == .tags ? tags : notify }

    fileprivate mutating func setList(_ field: JobField, _ values: [String]) {
        if field == .tags { tags = values } else { notify = values }
    }
}
