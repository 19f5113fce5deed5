import Config
import Foundation

extension GitDefinitions {
    /// ``read()`` on a thread of its own: it waits on the network, and a test that waited
    /// on one of the concurrency pool's two threads would stall every other test.
    func readInBackground() async -> Result<(commit: String, files: [DefinitionFile]), DefinitionReadError> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(DefinitionReadError) in try read() })
            }
        }
    }

    /// The error ``read()`` throws, read in the background; nil when it succeeds.
    func readFailureInBackground() async -> DefinitionReadError? {
        if case .failure(let error) = await readInBackground() { return error }
        return nil
    }
}
