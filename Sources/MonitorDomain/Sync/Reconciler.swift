import Config
import Cron
import Foundation

/// Compares the jobs a source defines (desired) with the monitor's jobs (actual) and
/// says what an apply must change. Pure: the store runs it inside the transaction that
/// applies it, so the plan it applies is the one it computed.
///
/// A sync only ever updates and prunes jobs it manages from the same repository. A job
/// with the same id made through the API, or synced from another repository, is a
/// conflict that stops the apply, unless `adopt` takes it over. A synced job changed
/// in the database behind sync's back (drift) shows as an update, which restores it.
public enum Reconciler {
    /// With `now`, each created job and each changed schedule or time zone gets its next
    /// ``previewCount`` fire times after `now`, old and new (DESIGN 12); only those, so a
    /// plan of 20,000 unchanged jobs computes none.
    public static func plan(
        desired: [JobDefinition], actual: [Job], source: SyncSource, options: SyncOptions = SyncOptions(),
        desiredChannels: [ChannelDefinition] = [], actualChannels: [Channel] = [],
        desiredWindows: [WindowDefinition] = [], actualWindows: [MaintenanceWindow] = [], now: Date? = nil
    ) -> SyncPlan {
        var plan = SyncPlan(source: source)
        plan.channels = planChannels(
            desired: desiredChannels, actual: actualChannels, source: source, options: options)
        plan.windows = planWindows(desired: desiredWindows, actual: actualWindows, source: source, options: options)
        var actualByID: [String: Job] = [:]
        var actualByPingUUID: [String: Job] = [:]
        for job in actual {
            actualByID[job.jobID] = job
            if let uuid = job.definition.pingUUID { actualByPingUUID[uuid] = job }
        }
        let desiredByID = Dictionary(desired.map { ($0.jobID, $0) }) { first, _ in first }
        for definition in desired.sorted(by: { $0.jobID < $1.jobID }) {
            let file = definition.location?.file ?? ""
            let line = definition.location?.line ?? 1
            // A ping uuid another job keeps would send that job's pings here, or this one's there.
            if let uuid = definition.pingUUID, let holder = actualByPingUUID[uuid], holder.jobID != definition.jobID,
                desiredByID[holder.jobID]?.pingUUID.map({ $0 == uuid }) ?? true
            {
                plan.conflicts.append(
                    SyncPlan.Conflict(
                        jobID: definition.jobID, file: file, line: line,
                        message: "ping_uuid \(uuid) is already the ping URL of job '\(holder.jobID)'; each job needs "
                            + "its own: give '\(definition.jobID)' another at \(file):\(line), or leave ping_uuid out "
                            + "to have one generated"))
                continue
            }
            guard let existing = actualByID[definition.jobID] else {
                plan.creates.append(
                    SyncPlan.Create(
                        jobID: definition.jobID, file: file, line: line,
                        // Only the fields with a value, as plans print them: a first plan of
                        // 20,000 jobs through the server carried every null and empty list,
                        // and its memory went over its bound (ResourceUseTests).
                        fields: fields(of: definition).filter { !$0.1.isNullOrEmpty }.map {
                            SyncPlan.Change(
                                field: $0.0, old: .null, new: $0.1, origin: origin(of: $0.0, in: definition))
                        },
                        fireTimes: plan.creates.count < previewLimit
                            ? now.map { fireTimes(of: definition, after: $0) } ?? [] : []))
                continue
            }
            if let conflict = conflict(definition, existing, source: source, options: options) {
                plan.conflicts.append(conflict)
                continue
            }
            let changes = changes(from: existing, to: definition, source: source).map { change in
                var change = change
                change.origin = origin(of: change.field, in: definition)
                return change
            }
            if existing.managedBy == .sync && existing.origin?.identity == nil {
                plan.claimed.append(definition.jobID)
            }
            if changes.isEmpty {
                plan.unchanged += 1
            } else {
                var update = SyncPlan.Update(jobID: definition.jobID, file: file, line: line, changes: changes)
                let old = existing.definition
                if let now, plan.updates.count < previewLimit,
                    old.schedule != definition.schedule || old.timezone != definition.timezone
                {
                    update.oldFireTimes = fireTimes(of: old, after: now)
                    update.fireTimes = fireTimes(of: definition, after: now)
                }
                plan.updates.append(update)
            }
        }
        if options.prune { plan.deletes = deletes(desired: desired, actual: actual, source: source) }
        plan.refusal = refusal(
            plan, desired: desired, desiredOthers: desiredChannels.count + desiredWindows.count, actual: actual,
            source: source, options: options)
        return plan
    }

    /// Where a default gave `field`'s value in `definition`, as `FILE:LINE`.
    static func origin(of field: String, in definition: JobDefinition) -> String? {
        guard !definition.defaultedFields.isEmpty, let key = JobField(rawValue: field),
            let location = definition.defaultedFields[key]
        else { return nil }
        return "\(location.file):\(location.line)"
    }

    /// How many fire times a plan shows for a job it creates or reschedules.
    public static let previewCount = 3
    /// How many created (and rescheduled) jobs get previews: nobody reviews more, and a
    /// first apply of 20,000 jobs through the server would carry 60,000 times.
    public static let previewLimit = 200

    /// The next fire times of a cron job after `now`, in its zone; none for an interval job.
    static func fireTimes(of definition: JobDefinition, after now: Date) -> [String] {
        guard let schedule = definition.cronSchedule else { return [] }
        return schedule.fireTimes(after: now).prefix(previewCount).map(schedule.localTimestamp)
    }

    /// Why an apply is refused as a whole (DESIGN 12): a source that defines nothing,
    /// unless `allowEmpty`; deleting every job the source has, or more than half of them
    /// when it has more than ten, unless `allowMassDelete`.
    static func refusal(
        _ plan: SyncPlan, desired: [JobDefinition], desiredOthers: Int, actual: [Job], source: SyncSource,
        options: SyncOptions
    ) -> String? {
        if desired.isEmpty && desiredOthers == 0 && !options.allowEmpty {
            return "\(source.path ?? JobFileFinder.defaultFolder) defines no job, channel or window; if the source "
                + "really is empty now, apply with --allow-empty"
                + (plan.deletes.isEmpty ? "" : " (which deletes its \(plan.deletes.count) job(s))")
        }
        guard options.prune, !options.allowMassDelete, !plan.deletes.isEmpty else { return nil }
        let owned = actual.count { $0.managedBy == .sync && $0.origin?.isPrunable(by: source) == true }
        let deleting = plan.deletes.count
        if deleting == owned {
            return "this apply would delete every job of \(source.identity) (\(owned)); if that is meant, apply "
                + "with --allow-mass-delete"
        }
        if owned > 10 && deleting * 2 > owned {
            return "this apply would delete \(deleting) of the \(owned) jobs of \(source.identity), more than "
                + "half; if that is meant, apply with --allow-mass-delete"
        }
        return nil
    }

    /// Why `existing` may not be changed by this sync: it was made through the API, or is
    /// synced from another source, and `adopt` was not asked for.
    static func conflict(_ definition: JobDefinition, _ existing: Job, source: SyncSource, options: SyncOptions)
        -> SyncPlan.Conflict?
    {
        let foreign = existing.managedBy == .api || existing.origin?.isOwned(by: source) != true
        guard foreign && !options.adopt else { return nil }
        let file = definition.location?.file ?? ""
        let line = definition.location?.line ?? 1
        let owner =
            existing.managedBy == .api
            ? "was made through the API"
            : "is synced from another source, \(existing.origin?.ownerDescription ?? "unknown")"
        return SyncPlan.Conflict(
            jobID: definition.jobID, file: file, line: line,
            message: "job '\(definition.jobID)' \(owner); apply with --adopt to manage it from \(file):\(line)")
    }

    /// Field by field, what an update changes: the fields a sync owns, the definition's
    /// place, and who manages the job (an adopted one) or which repository it comes from.
    static func changes(from existing: Job, to definition: JobDefinition, source: SyncSource) -> [SyncPlan.Change] {
        // A ping_uuid left out of the file keeps the one the monitor generated.
        var old = existing.definition
        if definition.pingUUID == nil { old.pingUUID = nil }
        // Most jobs of an apply are unchanged: told without building their fields.
        if existing.managedBy == .sync, existing.origin?.isOwned(by: source) == true,
            existing.origin?.file == definition.location?.file, existing.origin?.line == definition.location?.line,
            Self.hasSameFields(old, definition)
        {
            return []
        }
        return changes(
            from: fields(of: old), to: fields(of: definition), origin: existing.origin,
            location: definition.location, source: source, managedBySync: existing.managedBy == .sync)
    }

    /// What an update of a job or a channel changes: its fields, its definition's place,
    /// and its owner: `managed_by` for a job the API made, else the repository when
    /// another one adopts it.
    static func changes(
        from old: [(String, JSONValue)], to new: [(String, JSONValue)], origin: Job.Origin?,
        location: SourceLocation?, source: SyncSource, managedBySync: Bool = true
    ) -> [SyncPlan.Change] {
        var changes = zip(old, new).compactMap { old, new in
            old.1 == new.1 ? nil : SyncPlan.Change(field: old.0, old: old.1, new: new.1)
        }
        let oldPlace = origin.map { JSONValue.string("\($0.file):\($0.line)") } ?? .null
        let newPlace = JSONValue.string("\(location?.file ?? ""):\(location?.line ?? 1)")
        if oldPlace != newPlace { changes.append(SyncPlan.Change(field: "source", old: oldPlace, new: newPlace)) }
        if !managedBySync {
            changes.append(SyncPlan.Change(field: "managed_by", old: .string("api"), new: .string("sync")))
        } else if origin?.isOwned(by: source) != true {
            // Adopted from another source.
            changes.append(
                SyncPlan.Change(
                    field: "owner", old: .string(origin?.ownerDescription ?? "unknown"), new: .string(source.identity)))
        }
        return changes
    }

    /// The jobs this source owns that the files no longer define.
    static func deletes(desired: [JobDefinition], actual: [Job], source: SyncSource) -> [SyncPlan.Delete] {
        let desiredIDs = Set(desired.map(\.jobID))
        return actual.sorted(by: { $0.jobID < $1.jobID }).filter { job in
            job.managedBy == .sync && job.origin?.isPrunable(by: source) == true && !desiredIDs.contains(job.jobID)
        }.map { job in
            SyncPlan.Delete(
                jobID: job.jobID, file: job.origin?.file, line: job.origin?.line, commit: job.origin?.commit)
        }
    }

    /// The channels part of a plan, by the rules of jobs: a channel of another
    /// repository is a conflict unless adopted, one no longer defined is pruned.
    public static func planChannels(
        desired: [ChannelDefinition], actual: [Channel], source: SyncSource, options: SyncOptions
    ) -> SyncPlan.ChannelPlan {
        planDocuments(
            desired: desired.map { ($0.name, $0.location, fields(of: $0)) }, actual: actual,
            fields: { fields(of: $0.definition) }, source: source, options: options)
    }

    /// The windows part of a plan, by the rules of channels.
    public static func planWindows(
        desired: [WindowDefinition], actual: [MaintenanceWindow], source: SyncSource, options: SyncOptions
    ) -> SyncPlan.WindowPlan {
        planDocuments(
            desired: desired.map { ($0.name, $0.location, fields(of: $0)) }, actual: actual,
            fields: { fields(of: $0.definition) }, source: source, options: options)
    }

    /// Named documents (channels, windows) by the rules of jobs: one of another source is
    /// a conflict unless adopted, one no longer defined is pruned. `desired` gives each
    /// document's name, place and fields as a plan shows them.
    static func planDocuments<Kind, Stored: SyncedDocument>(
        desired: [(name: String, location: SourceLocation?, fields: [(String, JSONValue)])], actual: [Stored],
        fields: (Stored) -> [(String, JSONValue)], source: SyncSource, options: SyncOptions
    ) -> DocumentPlan<Kind> {
        var plan = DocumentPlan<Kind>()
        var actualByName: [String: Stored] = [:]
        for document in actual { actualByName[document.name] = document }
        for definition in desired.sorted(by: { $0.name < $1.name }) {
            let file = definition.location?.file ?? ""
            let line = definition.location?.line ?? 1
            guard let existing = actualByName[definition.name] else {
                plan.creates.append(
                    DocumentChange(
                        name: definition.name, file: file, line: line,
                        changes: definition.fields.map { SyncPlan.Change(field: $0.0, old: .null, new: $0.1) }))
                continue
            }
            if existing.origin?.isOwned(by: source) != true && !options.adopt {
                plan.conflicts.append(
                    DocumentChange(
                        name: definition.name, file: file, line: line,
                        message: "\(Kind.word) '\(definition.name)' is synced from another source, "
                            + "\(existing.origin?.ownerDescription ?? "unknown"); apply with --adopt to manage it "
                            + "from \(file):\(line)"))
                continue
            }
            if existing.origin?.identity == nil { plan.claimed.append(definition.name) }
            // With --adopt, the repository change makes it an update, which moves the owner.
            let changes = changes(
                from: fields(existing), to: definition.fields, origin: existing.origin,
                location: definition.location, source: source)
            if changes.isEmpty {
                plan.unchanged += 1
            } else {
                plan.updates.append(DocumentChange(name: definition.name, file: file, line: line, changes: changes))
            }
        }
        if options.prune {
            let names = Set(desired.map(\.name))
            plan.deletes = actual.sorted(by: { $0.name < $1.name }).filter {
                $0.origin?.isPrunable(by: source) == true && !names.contains($0.name)
            }.map { DocumentChange(name: $0.name, file: $0.origin?.file, line: $0.origin?.line) }
        }
        return plan
    }

    /// A window's fields as a plan shows them: instants in ISO 8601, durations with units.
    static func fields(of window: WindowDefinition) -> [(String, JSONValue)] {
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        // Every key, null where it does not apply, so that fields line up between a
        // one-off and a recurring version of the window.
        var timing: [(String, JSONValue)] = [
            ("start", .null), ("end", .null), ("schedule", .null), ("duration", .null), ("timezone", .null),
        ]
        switch window.timing {
        case .once(let start, let end):
            timing[0].1 = .string(Timestamp.string(from: start))
            timing[1].1 = .string(Timestamp.string(from: end))
        case .recurring(let schedule, let duration, let timezone):
            timing[2].1 = .string(schedule)
            timing[3].1 = .string(duration.description)
            timing[4].1 = .string(timezone)
        }
        return [("description", window.description.map(JSONValue.string) ?? .null)] + timing + [
            ("match", window.match.map { .object(["tags": strings($0.tags), "jobs": strings($0.jobs)]) } ?? .null),
            ("mode", .string(window.mode.rawValue)),
        ]
    }

    /// A channel's fields as a plan shows them: secrets as written (by reference, never
    /// resolved), durations with units.
    static func fields(of channel: ChannelDefinition) -> [(String, JSONValue)] {
        func text(_ value: SecretText?) -> JSONValue { value.map { .string($0.written) } ?? .null }
        func duration(_ value: JobDuration?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        return [
            ("type", .string(channel.kind.rawValue)),
            ("url", text(channel.url)),
            ("secret", text(channel.secret)),
            ("headers", .object(channel.headers.mapValues { .string($0.written) })),
            ("token", text(channel.token)),
            ("routing_key", text(channel.routingKey)),
            ("match", channel.match.map { .object(["tags": strings($0.tags), "jobs": strings($0.jobs)]) } ?? .null),
            ("types", channel.types.map { strings($0.map(\.rawValue)) } ?? .null),
            ("send_resolved", .bool(channel.sendResolved)),
            ("repeat_every", duration(channel.repeatEvery)),
            ("group_interval", duration(channel.groupInterval)),
        ]
    }

    /// Whether the two have the same value in every field ``fields(of:)-swift.type.method`` lists.
    static func hasSameFields(_ a: JobDefinition, _ b: JobDefinition) -> Bool {
        a.description == b.description && a.schedule == b.schedule && a.every == b.every && a.timezone == b.timezone
            && a.tolerance == b.tolerance && a.maxRuntime == b.maxRuntime && a.isHealthCheck == b.isHealthCheck
            && a.tags == b.tags && a.paused == b.paused && a.notify == b.notify && a.expect == b.expect
            && a.watchFrom == b.watchFrom && a.pingUUID == b.pingUUID && a.minRuntime == b.minRuntime
            && a.failureThreshold == b.failureThreshold && a.labels == b.labels
    }

    /// The fields a sync owns, named as the API writes them, durations as people write
    /// them (`10s`, `1h30m`: DESIGN 12).
    static func fields(of definition: JobDefinition) -> [(String, JSONValue)] {
        [
            ("description", definition.description.map(JSONValue.string) ?? .null),
            ("schedule", definition.schedule.map(JSONValue.string) ?? .null),
            ("every", definition.every.map { .string($0.description) } ?? .null),
            ("timezone", .string(definition.timezone)),
            ("tolerance", .string(definition.tolerance.description)),
            ("max_runtime", definition.maxRuntime.map { .string($0.description) } ?? .null),
            ("is_health_check", .bool(definition.isHealthCheck)),
            ("tags", .array(definition.tags.map(JSONValue.string))),
            ("paused", .bool(definition.paused)),
            ("notify", .array(definition.notify.map(JSONValue.string))),
            ("expect", .string(definition.expect.rawValue)),
            ("watch_from", .string(definition.watchFrom.rawValue)),
            ("ping_uuid", definition.pingUUID.map(JSONValue.string) ?? .null),
            ("min_runtime", definition.minRuntime.map { .string($0.description) } ?? .null),
            ("failure_threshold", .number(JSONNumber(Double(definition.failureThreshold)))),
            ("labels", .object(definition.labels.mapValues(JSONValue.string))),
        ]
    }
}
