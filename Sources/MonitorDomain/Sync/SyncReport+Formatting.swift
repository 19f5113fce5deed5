import Config
import Foundation

extension SyncReport {
    /// The report as `cronicle-sync plan` and `apply` print it: diagnostics as the
    /// linter prints them, then the plan like `terraform plan` (`+` create, `~` update,
    /// `-` delete), coloured on a terminal.
    ///
    /// Values, file names and messages come from definitions anyone may propose, and
    /// plans are posted on pull requests: their control characters are printed as
    /// escapes (``UntrustedText``), never raw.
    public func formatted(applied: Bool = false, colored: Bool = false) -> String {
        func escaped(_ text: String) -> String { UntrustedText.escaped(text) }
        func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for diagnostic in diagnostics {
            out += paint("\(diagnostic)", diagnostic.severity == .error ? "31" : "33") + "\n"
        }
        if repeated == true, let record {
            // The first answer was lost; the record is all that is left of its plan.
            out += "This apply had reached the monitor before (its answer was lost on the way): \(record.summary)\n"
            return out
        }
        guard let plan else {
            if !diagnostics.isEmpty { out += "\n" }
            out += "No plan: fix the errors above first; nothing was changed.\n"
            return out
        }
        if !diagnostics.isEmpty { out += "\n" }
        out += "Cronicle sync \(applied ? "apply" : "plan"): \(escaped(plan.source.summary))\n"
        if !plan.conflicts.isEmpty || !plan.channels.conflicts.isEmpty || !plan.windows.conflicts.isEmpty {
            out += "\n"
            for conflict in plan.conflicts {
                out +=
                    paint("! conflict \(escaped(conflict.jobID))", "31")
                    + "  (\(escaped(conflict.file)):\(conflict.line))\n"
                out += "    \(escaped(conflict.message))\n"
            }
            out += conflictLines(plan.channels, paint: paint) + conflictLines(plan.windows, paint: paint)
            let count = plan.conflicts.count + plan.channels.conflicts.count + plan.windows.conflicts.count
            out += "\n\(count) conflict(s): nothing was changed.\n"
            return out
        }
        if plan.hasChanges { out += "\n" }
        for create in plan.creates {
            out += paint("+ create \(escaped(create.jobID))", "32") + "  (\(escaped(create.file)):\(create.line))\n"
            for field in create.fields where !field.new.isNullOrEmpty {
                out += "    \(field.field): \(field.new.compactText)\(field.originSuffix)\n"
            }
            if !create.fireTimes.isEmpty { out += "    next: \(create.fireTimes.joined(separator: ", "))\n" }
        }
        for update in plan.updates {
            out += paint("~ update \(escaped(update.jobID))", "33") + "  (\(escaped(update.file)):\(update.line))\n"
            for change in update.changes {
                out +=
                    "    \(change.field): \(change.old.compactText) → \(change.new.compactText)\(change.originSuffix)\n"
            }
            if !update.oldFireTimes.isEmpty || !update.fireTimes.isEmpty {
                out += "    next, before: \(update.oldFireTimes.joined(separator: ", "))\n"
                out += "    next, after:  \(update.fireTimes.joined(separator: ", "))\n"
            }
        }
        for delete in plan.deletes {
            var place = ""
            if let file = delete.file { place = "  (was \(escaped(file)):\(delete.line ?? 1)" }
            if let commit = delete.commit { place += " at \(SyncSource.shortCommit(commit))" }
            if !place.isEmpty { place += ")" }
            out += paint("- delete \(escaped(delete.jobID))", "31") + place + "\n"
        }
        out += documentLines(plan.channels, paint: paint) + documentLines(plan.windows, paint: paint)
        let kinds: [(counts: DocumentCounts, name: String)] = [
            (plan.channels.counts, "channels"), (plan.windows.counts, "windows"),
        ]
        let others = kinds.filter { $0.counts.shown }
        let counts =
            "\(plan.creates.count) to create, \(plan.updates.count) to update, \(plan.deletes.count) to delete, \(plan.unchanged) unchanged"
        if let refusal = plan.refusal {
            out += "\n" + paint("! refused: \(escaped(refusal))", "31") + "\n"
            out += "Nothing was changed.\n"
        } else if applied {
            out +=
                "\nApplied: \(plan.creates.count) created, \(plan.updates.count) updated, \(plan.deletes.count) deleted, \(plan.unchanged) unchanged"
                + others.map { "; \($0.name): \($0.counts.applied)" }.joined() + ".\n"
        } else if plan.hasChanges {
            out += "\nPlan: \(counts)" + others.map { "; \($0.name): \($0.counts.planned)" }.joined() + ".\n"
        } else {
            out +=
                "\nNo changes: the monitor matches the definitions (\(plan.unchanged) jobs"
                + others.map { ", \($0.counts.unchanged) \($0.name)" }.joined() + ").\n"
        }
        return out
    }

    /// `+ channel`, `~ channel` and `- channel` lines (or window), with their fields as for jobs.
    private func documentLines<Kind>(_ plan: DocumentPlan<Kind>, paint: (String, String) -> String) -> String {
        func escaped(_ text: String) -> String { UntrustedText.escaped(text) }
        var out = ""
        for create in plan.creates {
            out +=
                paint("+ \(Kind.word) \(escaped(create.name))", "32")
                + "  (\(escaped(create.file ?? "")):\(create.line ?? 1))\n"
            for field in create.changes where !field.new.isNullOrEmpty {
                out += "    \(field.field): \(field.new.compactText)\n"
            }
        }
        for update in plan.updates {
            out +=
                paint("~ \(Kind.word) \(escaped(update.name))", "33")
                + "  (\(escaped(update.file ?? "")):\(update.line ?? 1))\n"
            for change in update.changes {
                out += "    \(change.field): \(change.old.compactText) → \(change.new.compactText)\n"
            }
        }
        for delete in plan.deletes {
            let place = delete.file.map { "  (was \(escaped($0)):\(delete.line ?? 1))" } ?? ""
            out += paint("- \(Kind.word) \(escaped(delete.name))", "31") + place + "\n"
        }
        return out
    }

    private func conflictLines<Kind>(_ plan: DocumentPlan<Kind>, paint: (String, String) -> String) -> String {
        plan.conflicts.map { conflict in
            paint("! conflict \(Kind.word) \(UntrustedText.escaped(conflict.name))", "31")
                + "  (\(UntrustedText.escaped(conflict.file ?? "")):\(conflict.line ?? 1))\n"
                + "    \(UntrustedText.escaped(conflict.message ?? ""))\n"
        }.joined()
    }

    /// The report as JSON, as the server's sync endpoints answer.
    public func json() throws -> String {
        let encoder = SyncCoding.encoder
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension JSONValue {
    /// One line of JSON, for plans: `"0 6 * * *"`, `30`, `["a", "b"]`, `null`; strings
    /// with their control characters escaped, so a value cannot break the line.
    var compactText: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number.literal
        case .string(let text): UntrustedText.literal(text)
        case .array(let items): "[" + items.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let fields):
            "{"
                + fields.sorted { $0.key < $1.key }
                .map { "\(UntrustedText.literal($0.key)): \($0.value.compactText)" }
                .joined(separator: ", ") + "}"
        }
    }
}
