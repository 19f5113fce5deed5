import MonitorDomain
import NIOSSL
import PostgresNIO

/// What a PostgreSQL error means to the monitor, as a ``MonitorError`` whose code chooses
/// the HTTP answer: the database out of reach (a lost connection, a server shutting down,
/// a standby after a failover) is `storage_unavailable` (503 with `Retry-After`), a full
/// disk is `storage_full`. Messages hold the server's words, the constraint, table or
/// column it names and the SQLSTATE; never its detail, which quotes rows and values, nor
/// the password.
package enum PostgresFault {
    /// `error` as the store reports it; `location` says which database (``DatabaseURL/location``).
    package static func monitorError(_ error: any Error, location: String) -> MonitorError {
        if let error = error as? MonitorError { return error }
        guard let error = error as? PSQLError else {
            return MonitorError(.storageUnavailable, "PostgreSQL at \(location) could not be reached: \(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?????"
            let message = error.serverInfo?[.message] ?? "no message"
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return MonitorError(
                code(forSQLState: state), "PostgreSQL at \(location): \(message)\(detail) [SQLSTATE \(state)]")
        case .connectionError where error.underlying is NIOSSLError:
            let reason = "\(error.underlying!)"
            if reason.contains("CERTIFICATE_VERIFY_FAILED") {
                return MonitorError(
                    .storageUnavailable,
                    "PostgreSQL at \(location) showed a certificate that could not be verified; trust the authority "
                        + "that signed it with sslrootcert=FILE.pem, or write sslmode=require to encrypt without "
                        + "verifying")
            }
            if reason.contains("hostname") || reason.contains("unableToValidateCertificate") {
                return MonitorError(
                    .storageUnavailable,
                    "PostgreSQL at \(location) showed a certificate for another name; connect by a name the "
                        + "certificate holds, or write sslmode=verify-ca to check only who signed it")
            }
            return MonitorError(.storageUnavailable, "TLS to PostgreSQL at \(location) failed: \(reason)")
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection,
            .messageDecodingFailure, .unexpectedBackendMessage:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return MonitorError(
                .storageUnavailable, "the connection to PostgreSQL at \(location) was lost (\(error.code))\(underlying)"
            )
        case .failedToAddSSLHandler:
            return MonitorError(
                .storageUnavailable,
                "TLS to PostgreSQL at \(location) could not start: \(error.underlying.map { "\($0)" } ?? "no reason given")"
            )
        case .sslUnsupported:
            return MonitorError(
                .storageUnavailable,
                "PostgreSQL at \(location) does not offer TLS, which sslmode asks for; enable ssl on the server "
                    + "or write sslmode=prefer or sslmode=disable")
        case .authMechanismRequiresPassword:
            return MonitorError(
                .storageUnavailable,
                "PostgreSQL at \(location) asks for a password; write it in the URL, postgres://user:password@host/db")
        default:
            return MonitorError(.storageUnavailable, "PostgreSQL at \(location) failed: \(error.code)")
        }
    }

    /// The monitor's code for a SQLSTATE: class 08 (connection), 57P01-57P03 (shutting
    /// down, cannot connect now), 25006 (read-only: a standby), 28 (sign-in refused) and
    /// 53300 (too many connections) mean the database cannot take the write now; 53100 is a
    /// full disk; a unique violation (23505) is a conflict; anything else is the store's bug.
    static func code(forSQLState state: String) -> MonitorError.Code {
        switch state {
        case "53100": .storageFull
        case "23505": .conflict
        case "57P01", "57P02", "57P03", "25006", "53300", "40001", "40P01": .storageUnavailable
        case _ where state.hasPrefix("08") || state.hasPrefix("28"): .storageUnavailable
        default: .internalError
        }
    }

    /// Whether the connection is still usable after `error`: a server error inside a
    /// transaction leaves it usable (after a `ROLLBACK`), a lost connection does not.
    static func connectionSurvives(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return error is MonitorError }
        return error.code == .server
            && !(error.serverInfo?[.sqlState].map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false)
    }
}
