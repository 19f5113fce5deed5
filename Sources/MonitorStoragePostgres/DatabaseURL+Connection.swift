import MonitorDomain
import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// How postgres-nio connects to this database: TLS as `sslmode` says, the connect
    /// timeout, and the session settings every connection of the monitor has (commits on
    /// disk when they return, UTC, the application's name).
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            let context = try NIOSSLContext(configuration: settings)
            tls = sslMode == .prefer ? .prefer(context) : .require(context)
        case .verifyCA, .verifyFull:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification =
                sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
            if let roots = sslRootCertificate {
                do {
                    settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(roots))
                } catch {
                    throw MonitorError(
                        .invalidRequest,
                        "sslrootcert=\(roots) could not be read as PEM certificates: \(error); give the path "
                            + "of the certificate authority's PEM file")
                }
            }
            tls = .require(try NIOSSLContext(configuration: settings))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: tls)
        configuration.options.connectTimeout = .nanoseconds(
            Int64(connectTimeout.components.seconds) * 1_000_000_000)
        // A commit is on disk when it returns, whatever the server's default says.
        configuration.options.additionalStartupParameters = [
            ("application_name", applicationName), ("synchronous_commit", "on"), ("TimeZone", "UTC"),
        ]
        return configuration
    }
}
