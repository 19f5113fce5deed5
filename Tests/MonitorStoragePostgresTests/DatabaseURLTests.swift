import MonitorDomain
import MonitorStoragePostgres
import Testing

/// `--db postgres://...` read as libpq reads it; the password never in what is shown.
@Suite struct DatabaseURLTests {
    @Test func readsEveryPart() throws {
        let url = try DatabaseURL(
            "postgresql://monitor:p%40ss%3Aw%2Frd@db.internal:6432/cronicle_prod?sslmode=verify-full&application_name=node-a"
        )
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.user == "monitor")
        #expect(url.password == "p@ss:w/rd")
        #expect(url.database == "cronicle_prod")
        #expect(url.sslMode == .verifyFull)
        #expect(url.applicationName == "node-a")
        #expect(url.description == "postgres://monitor:***@db.internal:6432/cronicle_prod?sslmode=verify-full")
        #expect(url.location == "db.internal:6432/cronicle_prod")
    }

    @Test func readsTheTLSSettings() throws {
        let url = try DatabaseURL(
            "postgres://cronicle:pw@db.internal/cronicle?sslmode=verify-ca&sslrootcert=/etc/ca.pem")
        #expect(url.sslMode == .verifyCA)
        #expect(url.sslRootCertificate == "/etc/ca.pem")
        #expect(
            url.description
                == "postgres://cronicle:***@db.internal:5432/cronicle?sslmode=verify-ca&sslrootcert=/etc/ca.pem")
    }

    @Test func takesLibpqsDefaults() throws {
        let url = try DatabaseURL("postgres://cronicle@localhost")
        #expect(url.port == 5432)
        #expect(url.database == "cronicle")
        #expect(url.password == nil)
        #expect(url.sslMode == .prefer)
        #expect(url.description == "postgres://cronicle@localhost:5432/cronicle")
    }

    @Test func readsAnIPv6Host() throws {
        let url = try DatabaseURL("postgres://cronicle:pw@[::1]:5433/db")
        #expect(url.host == "::1")
        #expect(url.location == "[::1]:5433/db")
        #expect(!url.description.contains("pw"))
    }

    @Test(arguments: [
        ("postgres://:s3cret@host/db", "names no user"),
        ("postgres://cronicle:s3cret@/db", "names no host"),
        ("postgres://cronicle:s3cret@host/db?sslmode=required", "sslmode=required is not one Cronicle knows"),
        ("postgres://cronicle:s3cret@host/db?ssl=true", "ssl is not a parameter Cronicle reads"),
        ("postgres://cronicle:s3cret@host/db?connect_timeout=soon", "connect_timeout=soon is not a number"),
        ("postgres://cronicle:s3cret@host:70000/db", "port"),
        ("mysql://cronicle:s3cret@host/db", "postgres://user:password@host:port/database"),
        ("postgres://cronicle:s3cret@ho%zzst/db", "is not a URL"),
    ])
    func refusesBadInputInWordsWithoutThePassword(_ text: String, _ expected: String) throws {
        let error = try #require(throws: MonitorError.self) { try DatabaseURL(text) }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.message.contains("s3cr"), "\(error.message)")
    }
}
