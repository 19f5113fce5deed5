import Foundation
import Logging
import MonitorDomain

/// One line per log record on standard error, in swift-log's `StreamLogHandler` layout:
/// `2026-11-28T06:00:00.123Z warning cronicle: request=5 [Monitor] message`.
///
/// Unlike `StreamLogHandler`, it formats metadata only when a line is written:
/// Hummingbird sets a request id on every request's logger, and formatting it eagerly
/// was about 2% of the server's CPU per ping, for lines that are almost never written.
public struct LogLineHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(Timestamp.string(from: Date())) \(event.level) \(label):"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += " [\(event.source)] \(event.message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
