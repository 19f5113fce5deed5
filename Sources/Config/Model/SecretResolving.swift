import Foundation

/// Answers secret references (``SecretText/Reference``) with what they name. The
/// monitor process resolves them when it delivers, and checks them when it applies a
/// sync, so that a channel it could never reach is refused rather than stored.
public protocol SecretResolving: Sendable {
    /// The value, or an error whose description says in words why there is none.
    func value(of reference: SecretText.Reference) throws -> String
}

/// This process's environment and files: what `cronicle serve` resolves references with.
public struct ProcessSecrets: SecretResolving {
    /// Read once: the environment of a running process does not change under it.
    let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public struct Missing: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public func value(of reference: SecretText.Reference) throws -> String {
        switch reference {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw Missing(description: "\(reference) is not set in the monitor's environment")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Missing(description: "\(reference) cannot be read by the monitor (missing, or not readable)")
            }
            var text = String(decoding: data, as: UTF8.self)
            // Files written with `echo` end with a newline that is no part of the secret.
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
    }
}
