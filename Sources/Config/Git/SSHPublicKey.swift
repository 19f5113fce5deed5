import Crypto
import Foundation

/// An SSH public key in the SSH wire format: the blob that `known_hosts` and `.pub`
/// files hold in base64, and that libssh2 hands over as a server's host key.
struct SSHPublicKey: Sendable, Hashable {
    let blob: Data

    init(blob: Data) {
        self.blob = blob
    }

    /// The key in base64, as the second field of a `known_hosts` line holds it.
    init?(base64: some StringProtocol) {
        guard let blob = Data(base64Encoded: String(base64)), !blob.isEmpty else { return nil }
        self.blob = blob
    }

    /// The algorithm name the blob starts with: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`.
    var type: String {
        guard blob.count >= 4 else { return "unknown" }
        let bytes = [UInt8](blob.prefix(4))
        let length = bytes.reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, blob.count >= 4 + length else { return "unknown" }
        return String(decoding: blob.dropFirst(4).prefix(length), as: UTF8.self)
    }

    /// The fingerprint as OpenSSH prints it (`ssh-keygen -lf`, `ssh`'s prompts):
    /// `SHA256:` and the digest in base64 without padding.
    var fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
