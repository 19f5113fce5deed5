import Foundation

extension SyncRecord {
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
                out += "\(when)  failed   \(record.source.summary): \(record.error ?? "unknown error")\n"
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
