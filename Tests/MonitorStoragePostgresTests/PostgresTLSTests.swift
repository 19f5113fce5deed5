import Foundation
import MonitorDomain
import MonitorStorage
import MonitorStoragePostgres
import StorageTestSupport
import Testing

/// `sslmode` against the throwaway cluster, which offers TLS with a self-signed certificate
/// for 127.0.0.1 (`scripts/postgres-cluster`): what each mode connects with, and a
/// certificate that cannot be verified refused in words.
@Suite(.enabled(if: TemporaryPostgresDatabase.isAvailable, Comment(rawValue: TemporaryPostgresDatabase.unavailable)))
struct PostgresTLSTests {
    /// Whether the lane's connection to `url` is encrypted, as the server sees it.
    static func encrypted(_ url: DatabaseURL) async throws -> Bool {
        let lane = PostgresLane(url: url, answerDeadline: .seconds(5))
        defer { lane.close() }
        return try await lane.transaction { session in
            try session.fetchOne("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")!.bool(0)
        }
    }

    static func url(_ query: String) throws -> DatabaseURL {
        let server = try #require(TemporaryPostgresDatabase.serverURL)
        var text = server.description.replacingOccurrences(of: "***", with: server.password ?? "")
        text += (text.contains("?") ? "&" : "?") + query
        return try DatabaseURL(text)
    }

    @Test func eachModeConnectsAsLibpqWould() async throws {
        let certificate = try #require(TemporaryPostgresDatabase.serverCertificate, "CRONICLE_TEST_POSTGRES_ROOT_CERT")
        #expect(try await Self.encrypted(Self.url("sslmode=disable")) == false)
        #expect(try await Self.encrypted(Self.url("sslmode=prefer")) == true)
        #expect(try await Self.encrypted(Self.url("sslmode=require")) == true)
        #expect(try await Self.encrypted(Self.url("sslmode=verify-ca&sslrootcert=\(certificate)")) == true)
        #expect(try await Self.encrypted(Self.url("sslmode=verify-full&sslrootcert=\(certificate)")) == true)
    }

    @Test func aCertificateNoTrustedAuthoritySignedIsRefused() async throws {
        let error = try await #require(throws: MonitorError.self) {
            try await Self.encrypted(Self.url("sslmode=verify-full"))
        }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        #expect(error.message.contains("showed a certificate that could not be verified"), "\(error.message)")
        #expect(error.message.contains("sslrootcert=FILE.pem"), "\(error.message)")
    }

    @Test func anUnreadableRootCertificateFileIsABadURL() async throws {
        let error = try await #require(throws: MonitorError.self) {
            try await Self.encrypted(Self.url("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"))
        }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("sslrootcert=/nonexistent/ca.pem could not be read"), "\(error.message)")
    }
}
