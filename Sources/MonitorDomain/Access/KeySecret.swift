import Crypto
import Foundation

/// The secret half of an ``APIKey``: made from 32 random bytes, shown once, kept only as
/// its SHA-256.
///
/// A plain hash (no salt, no slow function) is enough here: the secret has 256 bits of
/// entropy, so no dictionary or brute force reaches it, and a fast hash lets every request
/// be checked against an in-memory table without a database read.
public enum KeySecret {
    /// Every secret starts so, to be recognised by secret scanners and by people.
    public static let prefix = "crk_"

    /// A new secret: `crk_` and 43 base64url characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + base64URL(bytes)
    }

    /// The hex SHA-256 of `secret`, as stored and looked up.
    public static func hash(_ secret: String) -> String {
        // Every request with a key hashes it.
        LowercaseHex.string(SHA256.hash(data: Array(secret.utf8)))
    }

    /// The first characters shown beside a key's name.
    public static func hint(_ secret: String) -> String {
        String(secret.prefix(prefix.count + 4)) + "…"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
