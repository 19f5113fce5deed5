/// Why job-definition files could not be read at all (as opposed to read and found
/// wrong, which is a ``Diagnostic``). Each message is one line a person can act on.
public struct DefinitionReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
