import Foundation
import Synchronization

/// A pipe read to its end on a thread of its own, its bytes so far readable at any time:
/// a child's output, collected while it runs, so that it never waits for a reader.
public final class DrainedPipe: Sendable {
    private let data = Mutex(Data())
    private let done = Mutex(false)

    public init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.withLock { $0.append(chunk) }
            }
            done.withLock { $0 = true }
        }
    }

    /// What was read so far.
    public var soFar: Data { data.withLock { $0 } }

    /// Everything, once the writer has closed its end.
    public func all() async -> Data {
        while !done.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        return soFar
    }
}
