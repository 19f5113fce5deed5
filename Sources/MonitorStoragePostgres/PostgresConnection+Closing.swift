import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Closes the connection without waiting: a TLS connection's close waits for the
    /// server's goodbye, which a server that stopped answering never sends (NIOSSL gives up
    /// after 5 s). The connection is kept until closed, as postgres-nio requires.
    func closeWithoutWaiting() {
        let closing: EventLoopFuture<Void> = close()
        closing.whenComplete { _ in withExtendedLifetime(self) {} }
    }

    /// `logger` as the monitor hands it to postgres-nio, which logs each query at debug and
    /// trace: warnings and worse only, since the monitor logs its own faults.
    static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .warning)
        return logger
    }
}
