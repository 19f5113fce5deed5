import Testing

@testable import MonitorDomain

/// Keys are stored as the hex SHA-256 of their secret: the form must never change, or
/// every key made before would stop matching.
@Suite struct KeySecretTests {
    @Test func theHashIsTheLowercaseHexSHA256OfTheSecret() {
        // FIPS 180-2's test vectors.
        #expect(KeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(KeySecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func aGeneratedSecretHashesToSixtyFourHexDigits() {
        let hash = KeySecret.hash(KeySecret.generate())
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
