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

    /// The cluster's URL with another `sslmode` and `sslrootcert`.
    static func url(_ mode: DatabaseURL.SSLMode, trusting roots: String? = nil) throws -> DatabaseURL {
        var url = try #require(TemporaryPostgresDatabase.serverURL)
        url.sslMode = mode
        url.sslRootCertificate = roots
        return url
    }

    @Test func eachModeConnectsAsLibpqWould() async throws {
        let certificate = try #require(TemporaryPostgresDatabase.serverCertificate, "CRONICLE_TEST_POSTGRES_ROOT_CERT")
        #expect(try await Self.encrypted(Self.url(.disable)) == false)
        #expect(try await Self.encrypted(Self.url(.prefer)) == true)
        #expect(try await Self.encrypted(Self.url(.require)) == true)
        #expect(try await Self.encrypted(Self.url(.verifyCA, trusting: certificate)) == true)
        #expect(try await Self.encrypted(Self.url(.verifyFull, trusting: certificate)) == true)
    }

    @Test func aCertificateNoTrustedAuthoritySignedIsRefused() async throws {
        let error = try await #require(throws: MonitorError.self) {
            try await Self.encrypted(Self.url(.verifyFull))
        }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        #expect(error.message.contains("showed a certificate that could not be verified"), "\(error.message)")
        #expect(error.message.contains("sslrootcert=FILE.pem"), "\(error.message)")
    }

    @Test func anUnreadableRootCertificateFileIsABadURL() async throws {
        let error = try await #require(throws: MonitorError.self) {
            try await Self.encrypted(Self.url(.verifyFull, trusting: "/nonexistent/ca.pem"))
        }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("sslrootcert=/nonexistent/ca.pem could not be read"), "\(error.message)")
    }
}
