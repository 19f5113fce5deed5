import Foundation

/// What can be told about a private key file before libssh2 reads it, for messages
/// libssh2 would give as "unable to extract public key from private key file".
enum SSHPrivateKeyFile {
    /// Why the file at `path` cannot be used as a key, or nil when it can be read.
    static func problem(atPath path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return "the SSH key \(path) does not exist"
        }
        if isFolder.boolValue { return "the SSH key \(path) is a folder, not a private key file" }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return "the SSH key \(path) cannot be read by this user"
        }
        return nil
    }

    /// Whether the key needs a passphrase: a PEM key with `Proc-Type: 4,ENCRYPTED` or
    /// in PKCS#8 `ENCRYPTED PRIVATE KEY` form, or an OpenSSH key whose cipher is not `none`.
    static func isPassphraseProtected(atPath path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        if text.contains("ENCRYPTED") { return true }
        let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
        let end = "-----END OPENSSH PRIVATE KEY-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return false }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return false }
        // "openssh-key-v1\0", then the cipher's name as an SSH string.
        let magic = Array("openssh-key-v1".utf8) + [0]
        let bytes = [UInt8](data)
        guard bytes.count > magic.count + 4, Array(bytes.prefix(magic.count)) == magic else { return false }
        let length = bytes[magic.count..<magic.count + 4].reduce(0) { $0 << 8 | Int($1) }
        let nameStart = magic.count + 4
        guard bytes.count >= nameStart + length else { return false }
        return String(decoding: bytes[nameStart..<nameStart + length], as: UTF8.self) != "none"
    }
}
