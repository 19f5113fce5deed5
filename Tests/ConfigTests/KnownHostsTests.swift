import Foundation
import Testing

@testable import Config

/// Reading known_hosts as OpenSSH does, with keys made by `ssh-keygen` and hashed names
/// computed with Python's hmac (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`).
@Suite struct KnownHostsTests {
    static let first = "AAAAC3NzaC1lZDI1NTE5AAAAIEIZycfRN7skpyE7yOxNxMXt8jg+G3Rg1y55oHA2wu5z"
    static let second = "AAAAC3NzaC1lZDI1NTE5AAAAIL4DVKf0RAjtop4bcbr0XpSUtvqrb4pGv4ZK1HQWBhOd"
    static let ecdsa =
        "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPUbZhfjMegP+qR4jme99beukJ/y38SfWf1cx3zTp6ufyHA+oK9ZNLDm"
        + "dOldLVYz+6w88dBDD/D1X0vnWH4paFY="
    let first = SSHPublicKey(base64: Self.first)!
    let second = SSHPublicKey(base64: Self.second)!
    let ecdsa = SSHPublicKey(base64: Self.ecdsa)!

    func verdict(_ text: String, host: String = "git.example.com", port: Int = 22, key: SSHPublicKey) -> String {
        switch KnownHosts(text: text, file: "hosts").check(host: host, port: port, key: key) {
        case .known(let entry): "known at line \(entry.line)"
        case .unknown(let others): "unknown" + (others.isEmpty ? "" : ", other types at \(others.map(\.line))")
        case .changed(let entry): "changed at line \(entry.line)"
        case .revoked(let entry): "revoked at line \(entry.line)"
        }
    }

    @Test func typesAndFingerprintsAsOpenSSHPrintsThem() {
        #expect(first.type == "ssh-ed25519")
        #expect(first.fingerprint == "SHA256:wnLZks0k6C2h4jdI79JeFSiungovkyUpP0fn//bwFdk")
        #expect(ecdsa.type == "ecdsa-sha2-nistp256")
        #expect(ecdsa.fingerprint == "SHA256:wsksTd/5OPqhzT0WAJiJro4XSxDO4wXi61rTlOed4PE")
    }

    @Test func plainNamesPortsAndPatterns() {
        let text = """
            # comment
            git.example.com,10.0.0.1 ssh-ed25519 \(Self.first) ops@laptop
            [git.example.com]:2222 ssh-ed25519 \(Self.second)
            *.corp.example.com,!evil.corp.example.com ssh-ed25519 \(Self.first)

            """
        #expect(verdict(text, key: first) == "known at line 2")
        #expect(verdict(text, host: "GIT.example.com", key: first) == "known at line 2")
        #expect(verdict(text, host: "10.0.0.1", key: first) == "known at line 2")
        #expect(verdict(text, key: second) == "changed at line 2")
        #expect(verdict(text, port: 2222, key: second) == "known at line 3")
        #expect(verdict(text, port: 2222, key: first) == "changed at line 3")
        #expect(verdict(text, port: 2200, key: first) == "unknown")
        #expect(verdict(text, host: "git.corp.example.com", key: first) == "known at line 4")
        #expect(verdict(text, host: "evil.corp.example.com", key: first) == "unknown")
        #expect(verdict(text, host: "other.example.com", key: first) == "unknown")
    }

    @Test func hashedNames() {
        let text = """
            |1|AAECAwQFBgcICQoLDA0ODxAREhM=|iB8ji+G7JiWchxZqOjryGAnIiTo= ssh-ed25519 \(Self.first)
            |1|AAECAwQFBgcICQoLDA0ODxAREhM=|5DHGyoq+K/vX4lJK0U2p7IteoFw= ssh-ed25519 \(Self.second)
            """
        #expect(verdict(text, port: 2222, key: first) == "known at line 1")
        #expect(verdict(text, key: second) == "known at line 2")
        #expect(verdict(text, key: first) == "changed at line 2")
        #expect(verdict(text, host: "git.example.org", key: first) == "unknown")
    }

    @Test func otherKeyTypesMarkersAndBrokenLines() {
        let text = """
            git.example.com ecdsa-sha2-nistp256 \(Self.ecdsa)
            @revoked git.example.com ssh-ed25519 \(Self.second)
            @cert-authority git.example.com ssh-ed25519 \(Self.first)
            git.example.com ssh-ed25519 not-base64!
            git.example.com ssh-rsa \(Self.first)
            git.example.com ssh-ed25519
            """
        #expect(verdict(text, key: first) == "unknown, other types at [1]")
        #expect(verdict(text, key: second) == "revoked at line 2")
        #expect(verdict(text, key: ecdsa) == "known at line 1")
    }

    @Test func globsLikeOpenSSH() {
        #expect(KnownHosts.glob("*.example.com", matches: "git.example.com"))
        #expect(!KnownHosts.glob("*.example.com", matches: "example.com"))
        #expect(KnownHosts.glob("git?.example.com", matches: "git1.example.com"))
        #expect(KnownHosts.glob("[git.example.com]:*", matches: "[git.example.com]:2222"))
        #expect(KnownHosts.glob("*", matches: "anything"))
        #expect(!KnownHosts.glob("git", matches: "github"))
    }
}
