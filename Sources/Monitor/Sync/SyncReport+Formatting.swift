import Config
import Foundation

extension SyncReport {
    /// The report as `cronicle-sync plan` and `apply` print it: diagnostics as the
    /// linter prints them, then the plan like `terraform plan` (`+` create, `~` update,
    /// `-` delete), coloured on a terminal.
    public func formatted(applied: Bool = false, colored: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for diagnostic in diagnostics {
            out += paint("\(diagnostic)", diagnostic.severity == .error ? "31" : "33") + "\n"
        }
        guard let plan else {
            if !diagnostics.isEmpty { out += "\n" }
            out += "No plan: fix the errors above first; nothing was changed.\n"
            return out
        }
        if !diagnostics.isEmpty { out += "\n" }
        out += "Cronicle sync \(applied ? "apply" : "plan"): \(plan.source.summary)\n"
        if !plan.conflicts.isEmpty {
            out += "\n"
            for conflict in plan.conflicts {
                out += paint("! conflict \(conflict.jobID)", "31") + "  (\(conflict.file):\(conflict.line))\n"
                out += "    \(conflict.message)\n"
            }
            out += "\n\(plan.conflicts.count) conflict(s): nothing was changed.\n"
            return out
        }
        if plan.hasChanges { out += "\n" }
        for create in plan.creates {
            out += paint("+ create \(create.jobID)", "32") + "  (\(create.file):\(create.line))\n"
            for field in create.fields where field.new != .null {
                out += "    \(field.field): \(field.new.compactText)\n"
            }
        }
        for update in plan.updates {
            out += paint("~ update \(update.jobID)", "33") + "  (\(update.file):\(update.line))\n"
            for change in update.changes {
                out += "    \(change.field): \(change.old.compactText) → \(change.new.compactText)\n"
            }
        }
        for delete in plan.deletes {
            var place = ""
            if let file = delete.file { place = "  (was \(file):\(delete.line ?? 1)" }
            if let commit = delete.commit { place += " at \(SyncSource.shortCommit(commit))" }
            if !place.isEmpty { place += ")" }
            out += paint("- delete \(delete.jobID)", "31") + place + "\n"
        }
        let counts =
            "\(plan.creates.count) to create, \(plan.updates.count) to update, \(plan.deletes.count) to delete, \(plan.unchanged) unchanged"
        if applied {
            out +=
                "\nApplied: \(plan.creates.count) created, \(plan.updates.count) updated, \(plan.deletes.count) deleted, \(plan.unchanged) unchanged.\n"
        } else if plan.hasChanges {
            out += "\nPlan: \(counts).\n"
        } else {
            out += "\nNo changes: the monitor matches the definitions (\(plan.unchanged) jobs).\n"
        }
        return out
    }

    /// The report as JSON, as the server's sync endpoints answer.
    public func json() throws -> String {
        let encoder = SyncCoding.encoder
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension JSONValue {
    /// One line of JSON, for plans: `"0 6 * * *"`, `30`, `["a", "b"]`, `null`.
    var compactText: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number.literal
        case .string(let text):
            // Escaped by hand: Foundation's replacingOccurrences was most of printing a big plan.
            "\""
                + text.unicodeScalars.map { scalar in
                    switch scalar {
                    case "\\": "\\\\"
                    case "\"": "\\\""
                    case "\n": "\\n"
                    default: String(scalar)
                    }
                }.joined() + "\""
        case .array(let items): "[" + items.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let fields):
            "{"
                + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.compactText)" }.joined(
                    separator: ", ") + "}"
        }
    }
}
