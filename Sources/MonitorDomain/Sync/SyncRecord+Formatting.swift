import Config
import Foundation

extension SyncRecord {
    /// One line: what the apply did, or why it failed. The error quotes definitions anyone
    /// may propose, so its control characters are printed as escapes.
    public var summary: String {
        let when = Timestamp.string(from: appliedAt)
        switch result {
        case .applied:
            return "applied \(source.summary) at \(when): \(created) created, \(updated) updated, "
                + "\(deleted) deleted, \(unchanged) unchanged"
        case .failed:
            return "refused \(source.summary) at \(when): \(UntrustedText.escaped(error ?? "unknown error"))"
        }
    }

    /// `cronicle-sync status`: the commit in force, then one line per apply, newest first.
    public static func formatted(_ history: [SyncRecord]) -> String {
        guard !history.isEmpty else { return "No applies yet.\n" }
        var out = ""
        if let current = history.first(where: { $0.result == .applied }) {
            out += "In force: \(current.source.summary), applied \(Timestamp.string(from: current.appliedAt))\n"
        } else {
            out += "In force: nothing applied yet\n"
        }
        out += "\n"
        for record in history {
            let when = Timestamp.string(from: record.appliedAt)
            switch record.result {
            case .applied:
                out +=
                    "\(when)  applied  \(record.source.summary): \(record.created) created, \(record.updated) updated, \(record.deleted) deleted, \(record.unchanged) unchanged\n"
            case .failed:
                out +=
                    "\(when)  failed   \(record.source.summary): \(UntrustedText.escaped(record.error ?? "unknown error"))\n"
            }
        }
        return out
    }

    public static func json(_ history: [SyncRecord]) throws -> String {
        let encoder = SyncCoding.encoder
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(["history": history]), as: UTF8.self) + "\n"
    }
}
