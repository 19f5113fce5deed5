import Config
import Foundation

extension SyncReport {
    /// The marker the CI examples look for to update their one plan comment in place.
    public static let markdownMarker = "<!-- cronicle-plan -->"

    /// The report as a pull-request comment (`cronicle-sync plan --format markdown`): a
    /// heading with the counts, a table of the changes, the diagnostics, the fire times
    /// of what is created or rescheduled, and every field change in a diff block,
    /// collapsed when the plan is long.
    ///
    /// Everything that comes from the definitions is untrusted: table cells are escaped
    /// so a value cannot end the cell, the table or inject HTML, and free text (messages,
    /// field values) goes into fenced blocks longer than any run of backticks in it, where
    /// neither Markdown nor `@mentions` apply.
    public func markdown() -> String {
        var out = Self.markdownMarker + "\n"
        guard let plan else {
            out += "### ❌ Cronicle plan: errors in the definitions\n\n"
            out += "Nothing can be applied until these are fixed.\n\n"
            out += Self.fenced(diagnostics.map(\.description).joined(separator: "\n"), language: "text")
            return out
        }
        let source = UntrustedText.escaped(plan.source.summary)
        let conflicts = plan.conflicts.count + plan.channels.conflicts.count + plan.windows.conflicts.count
        let blocked = conflicts > 0 || plan.refusal != nil
        out += "### \(blocked ? "❌" : plan.hasChanges ? "📝" : "✅") Cronicle plan: \(Self.cell(source))\n\n"
        var counts =
            "**\(plan.creates.count) to create, \(plan.updates.count) to update, \(plan.deletes.count) to delete**, "
            + "\(plan.unchanged) unchanged"
        for (kind, documents) in [("channels", plan.channels.counts), ("windows", plan.windows.counts)]
        where documents.shown {
            counts += "; \(kind): \(documents.planned)"
        }
        out += counts + ".\n\n"
        if let refusal = plan.refusal { out += "> **Refused:** \(Self.cell(refusal))\n\n" }
        if conflicts > 0 {
            out += "> **\(conflicts) conflict(s)**: an apply changes nothing until they are resolved.\n\n"
            out += Self.fenced(
                (plan.conflicts.map { "\($0.jobID) (\($0.file):\($0.line)): \($0.message)" }
                    + plan.channels.conflicts.map { "channel \($0.channel): \($0.message ?? "")" }
                    + plan.windows.conflicts.map { "window \($0.name): \($0.message ?? "")" })
                    .map(UntrustedText.escaped).joined(separator: "\n"), language: "text")
        }
        let rows = changeRows(plan)
        if !rows.isEmpty {
            out += "| | What | Where | Changes |\n|---|---|---|---|\n"
            out += rows.joined(separator: "\n") + "\n\n"
        }
        if !diagnostics.isEmpty {
            let errors = diagnostics.count { $0.severity == .error }
            out += "**Diagnostics** (\(errors) error(s), \(diagnostics.count - errors) warning(s)):\n\n"
            out += Self.fenced(diagnostics.map(\.description).joined(separator: "\n"), language: "text")
        }
        let previews = firePreviews(plan)
        if !previews.isEmpty {
            out += "**Next fire times**, in each job's zone:\n\n| Job | Before | After |\n|---|---|---|\n"
            out += previews.joined(separator: "\n") + "\n\n"
        }
        let details = detailLines(plan)
        if !details.isEmpty {
            let long = details.count > 40
            out += "<details\(long ? "" : " open")><summary>Every change, field by field (\(details.count) lines)"
            out += "</summary>\n\n" + Self.fenced(details.joined(separator: "\n"), language: "diff") + "</details>\n"
        }
        return out
    }

    /// The names of the fields a change touches, as code spans.
    private static func fields(_ changes: [SyncPlan.Change]) -> String {
        changes.map { code($0.field) }.joined(separator: ", ")
    }

    private func changeRows(_ plan: SyncPlan) -> [String] {
        var rows: [String] = []
        for create in plan.creates {
            rows.append("| ➕ | \(Self.code(create.jobID)) | \(Self.code("\(create.file):\(create.line)")) | created |")
        }
        for update in plan.updates {
            rows.append(
                "| ✏️ | \(Self.code(update.jobID)) | \(Self.code("\(update.file):\(update.line)")) | "
                    + "\(Self.fields(update.changes)) |")
        }
        for delete in plan.deletes {
            let place = delete.file.map { Self.code("\($0):\(delete.line ?? 1)") } ?? ""
            rows.append("| ➖ | \(Self.code(delete.jobID)) | \(place) | **deleted** |")
        }
        rows += documentRows(plan.channels) + documentRows(plan.windows)
        return rows
    }

    private func firePreviews(_ plan: SyncPlan) -> [String] {
        func times(_ list: [String]) -> String { list.isEmpty ? "—" : list.joined(separator: "<br>") }
        return plan.creates.filter { !$0.fireTimes.isEmpty }.map {
            "| \(Self.code($0.jobID)) | — | \(times($0.fireTimes)) |"
        }
            + plan.updates.filter { !$0.fireTimes.isEmpty || !$0.oldFireTimes.isEmpty }.map {
                "| \(Self.code($0.jobID)) | \(times($0.oldFireTimes)) | \(times($0.fireTimes)) |"
            }
    }

    private func detailLines(_ plan: SyncPlan) -> [String] {
        func escaped(_ text: String) -> String { UntrustedText.escaped(text) }
        var lines: [String] = []
        for create in plan.creates {
            lines.append("+ create \(escaped(create.jobID))  (\(escaped(create.file)):\(create.line))")
            for field in create.fields where !field.new.isNullOrEmpty {
                lines.append("+     \(field.field): \(field.new.compactText)\(field.originSuffix)")
            }
        }
        for update in plan.updates {
            lines.append("! update \(escaped(update.jobID))  (\(escaped(update.file)):\(update.line))")
            for change in update.changes {
                lines.append("-     \(change.field): \(change.old.compactText)")
                lines.append("+     \(change.field): \(change.new.compactText)\(change.originSuffix)")
            }
        }
        for delete in plan.deletes {
            lines.append("- delete \(escaped(delete.jobID))")
        }
        lines += documentLines(plan.channels) + documentLines(plan.windows)
        return lines
    }

    /// The table rows of a plan's channels or windows.
    private func documentRows<Kind>(_ plan: DocumentPlan<Kind>) -> [String] {
        plan.creates.map { "| ➕ | \(Kind.word) \(Self.code($0.name)) | \(Self.code($0.file ?? "")) | created |" }
            + plan.updates.map {
                "| ✏️ | \(Kind.word) \(Self.code($0.name)) | \(Self.code($0.file ?? "")) | \(Self.fields($0.changes)) |"
            }
            + plan.deletes.map {
                "| ➖ | \(Kind.word) \(Self.code($0.name)) | \(Self.code($0.file ?? "")) | **deleted** |"
            }
    }

    /// The diff lines of a plan's channels or windows.
    private func documentLines<Kind>(_ plan: DocumentPlan<Kind>) -> [String] {
        func escaped(_ text: String) -> String { UntrustedText.escaped(text) }
        var lines: [String] = []
        for create in plan.creates {
            lines.append("+ \(Kind.word) \(escaped(create.name))")
            for field in create.changes where !field.new.isNullOrEmpty {
                lines.append("+     \(field.field): \(field.new.compactText)")
            }
        }
        for update in plan.updates {
            lines.append("! \(Kind.word) \(escaped(update.name))")
            for change in update.changes {
                lines.append("-     \(change.field): \(change.old.compactText)")
                lines.append("+     \(change.field): \(change.new.compactText)")
            }
        }
        for delete in plan.deletes { lines.append("- \(Kind.word) \(escaped(delete.name))") }
        return lines
    }

    /// `text` in a code span inside a table cell: no backticks, pipes or line breaks can
    /// leave it.
    static func code(_ text: String) -> String {
        let safe = UntrustedText.escaped(text).replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "|", with: "\\|")
        return safe.isEmpty ? "" : "`\(safe)`"
    }

    /// Text in a table cell or a quote: HTML and Markdown punctuation escaped, one line.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in UntrustedText.escaped(text) {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "|": out += "\\|"
            case "@": out += "@\u{200B}"
            case "\\", "`", "*", "_", "[", "]", "#", "!", "~": out += "\\\(character)"
            default: out.append(character)
            }
        }
        return out
    }

    /// A fenced block longer than any run of backticks in `text`, so nothing in it closes it.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(text)\n\(fence)\n\n"
    }
}
