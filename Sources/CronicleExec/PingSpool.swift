import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// End pings that could not be delivered, kept as one JSON file each until a later
/// `cronicle exec` sends them, so a monitor that was down still learns how the run ended.
///
/// ```swift
/// let spool = PingSpool(directory: configuration.spoolDirectory)
/// let file = try spool.store(ping)                          // after the deadline passed
/// await spool.flush(using: sender, until: .now + .seconds(30)) { print($0) }  // next run
/// ```
///
/// The folder is created with mode 0700 and each file with 0600 (output may hold secrets);
/// a file is written to a temporary name and renamed, so a reader never sees half of one.
/// File names start with the creation time in milliseconds, so name order is age order.
public struct PingSpool: Sendable {
    /// Spooled pings older than this are dropped with a warning rather than sent.
    public static let maximumAge: TimeInterval = 7 * 24 * 3_600

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `ping` to a new file in the spool and returns its path.
    @discardableResult
    public func store(_ ping: PingRequest) throws -> String {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(ping)
        let milliseconds = Int64(ping.createdAt.timeIntervalSince1970 * 1_000)
        let name = String(format: "%013lld", milliseconds) + "-" + UUID().uuidString.lowercased() + ".json"
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            guard rename(temporary, final) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return final
    }

    /// The spooled files, oldest first.
    public func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Sends the spooled pings, oldest first, one attempt each, until one gets no final
    /// answer (the monitor is still away: the rest wait too) or `deadline` passes. A file is
    /// deleted once the server answered it finally, success or refusal; files older than
    /// ``maximumAge`` and files that cannot be read are deleted unsent. `warn` hears of each
    /// ping refused or dropped.
    ///
    /// - Returns: how many pings were delivered.
    @discardableResult
    public func flush(
        using sender: PingSender, until deadline: ContinuousClock.Instant, now: Date = Date(),
        warn: (String) -> Void
    ) async -> Int {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var delivered = 0
        for file in files() {
            guard !Task.isCancelled, ContinuousClock.now < deadline else { break }
            guard let data = FileManager.default.contents(atPath: file),
                let ping = try? decoder.decode(PingRequest.self, from: data)
            else {
                // Another run may have sent and deleted it since the listing.
                if FileManager.default.fileExists(atPath: file) {
                    warn("dropped the spooled ping \(file): it cannot be read")
                    try? FileManager.default.removeItem(atPath: file)
                }
                continue
            }
            if now.timeIntervalSince(ping.createdAt) > Self.maximumAge {
                warn(
                    "dropped a spooled ping to \(ping.url) made at \(ClientInfo.timestamp(ping.createdAt)): older than 7 days"
                )
                try? FileManager.default.removeItem(atPath: file)
                continue
            }
            let outcome = await sender.send(ping, until: min(deadline, .now + .seconds(5)), retries: false)
            switch outcome {
            case .delivered:
                delivered += 1
                try? FileManager.default.removeItem(atPath: file)
            case .refused(let status, let answer):
                warn(
                    "the monitor refused the spooled ping to \(ping.url) (\(status)): \(Self.firstLine(answer)); dropped it"
                )
                try? FileManager.default.removeItem(atPath: file)
            case .undelivered:
                return delivered
            }
        }
        return delivered
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? "no reason given" : String(line.prefix(200))
    }
}
