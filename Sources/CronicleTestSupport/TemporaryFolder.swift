import Foundation

/// A folder under the system's temporary directory that removes itself when released.
///
/// ```swift
/// let folder = try TemporaryFolder()
/// try folder.write("jobs.d/backup.yaml", "job_id: backup\n")
/// ```
public final class TemporaryFolder: Sendable {
    public let path: String

    public init() throws {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("cronicle-tests")
        path = (base as NSString).appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `relative` inside the folder.
    public func url(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    /// Writes `contents` to `relative`, creating folders on the way.
    public func write(_ relative: String, _ contents: String) throws {
        let target = url(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: target))
    }
}
