import Foundation
import Logging
import MonitorDomain
import MonitorStorage
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to PostgreSQL and the thread that uses it: transactions queued on the
/// lane run one at a time, each as synchronous code over a ``PostgresSession``, so that
/// the store's rules are written once for SQLite and PostgreSQL (see ``SQLSession``).
///
/// The thread is the lane's own: it blocks on each statement's answer, which it may,
/// since it is neither one of the concurrency pool's two threads nor an event loop's.
/// The connection opens with the first transaction, and again after one is lost; a
/// transaction that finds the database out of reach fails with `storage_unavailable`.
///
/// Group commit, as `WriteBatcher` does on SQLite: with `maximumBatch` above 1, write
/// transactions queued together run as one (one `COMMIT`, one WAL flush). A body must then
/// throw a ``MonitorError`` of its own (not found, conflict...) only before it writes; when
/// a statement fails, the batch is rolled back and each body run again alone. Two lanes must
/// not take the same job's lock in batches (route a job's writes to one lane): two batches
/// taking two jobs' locks in opposite orders would wait on each other until PostgreSQL's
/// deadlock check (1 s) ends one.
///
/// ```swift
/// let lane = PostgresLane(url: try DatabaseURL("postgres://cronicle:pw@127.0.0.1/cronicle"))
/// let count = try await lane.transaction { session in try session.fetchOne("SELECT count(*) FROM job_configs") }
/// ```
package final class PostgresLane: Sendable {
    /// How a transaction starts.
    package enum Access: Sendable {
        /// `BEGIN`: READ COMMITTED, PostgreSQL's default, as the store's writes expect
        /// (each statement sees what committed before it, after the locks it waited for).
        case readWrite
        /// A snapshot for the whole transaction, so that the parts of a page agree.
        case readOnly
        /// No transaction: each statement commits on its own. For what PostgreSQL refuses
        /// inside one (`CREATE DATABASE`), never for the store's operations.
        case autocommit
    }

    private final class Core: @unchecked Sendable {
        // Unchecked: `queue` and `stopped` are touched with `condition` locked; `connection`
        // and `rewrites` only on the lane's thread.
        let condition = NSCondition()
        var queue: [Pending] = []
        /// Transactions taken from `queue` and not yet answered.
        var running = 0
        var stopped = false
        let maximumBatch: Int
        var connection: PostgresConnection?
        let rewrites = RewriteCache()
        let url: DatabaseURL
        let eventLoopGroup: any EventLoopGroup
        let logger: Logger
        let answerDeadline: TimeAmount

        init(
            url: DatabaseURL, eventLoopGroup: any EventLoopGroup, logger: Logger, answerDeadline: TimeAmount,
            maximumBatch: Int
        ) {
            self.maximumBatch = maximumBatch
            self.url = url
            self.answerDeadline = answerDeadline
            self.eventLoopGroup = eventLoopGroup
            self.logger = logger
        }

        func enqueue(_ pending: Pending) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            guard !stopped else { return false }
            queue.append(pending)
            condition.signal()
            return true
        }

        /// Transactions queued and not yet taken by the lane's thread.
        var waiting: Int {
            condition.lock()
            defer { condition.unlock() }
            return queue.count
        }

        /// Transactions queued or running.
        var load: Int {
            condition.lock()
            defer { condition.unlock() }
            return queue.count + running
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }

        func run() {
            while true {
                condition.lock()
                while queue.isEmpty && !stopped { condition.wait() }
                if queue.isEmpty {
                    condition.unlock()
                    break
                }
                // Write transactions waiting together go as one; anything else goes alone.
                var batch = [queue.removeFirst()]
                if batch[0].access == .readWrite {
                    while batch.count < maximumBatch, let next = queue.first, next.access == .readWrite {
                        batch.append(queue.removeFirst())
                    }
                }
                running = batch.count
                condition.unlock()
                if batch.count == 1 {
                    let pending = batch[0]
                    pending.finish(failure { try transaction(pending.access) { try pending.perform($0) } })
                } else {
                    commit(batch)
                }
                condition.lock()
                running = 0
                condition.unlock()
            }
            try? connection?.close().wait()
            connection = nil
        }

        /// Runs `batch` as one transaction. When it is rolled back because a statement
        /// failed (or a body threw anything but a ``MonitorError``), runs each body alone, so
        /// that only the one at fault fails. When the database is lost or the commit's outcome
        /// is unknown, fails them all: replaying could write a committed batch twice.
        func commit(_ batch: [Pending]) {
            do {
                try transaction(.readWrite) { session in
                    for pending in batch {
                        do {
                            try pending.perform(session)
                        } catch is MonitorError {
                            // The body's own error, thrown before it wrote: its caller gets it.
                        }
                    }
                }
                for pending in batch { pending.finish(nil) }
            } catch let statement as PostgresStatementError where statement.connectionSurvives {
                for pending in batch {
                    pending.finish(failure { try transaction(.readWrite) { try pending.perform($0) } })
                }
            } catch let error as PostgresStatementError {
                for pending in batch { pending.finish(error) }
            } catch {
                // A body threw something else, as WriteBatcher treats it: each alone.
                for pending in batch {
                    pending.finish(failure { try transaction(.readWrite) { try pending.perform($0) } })
                }
            }
        }

        /// What `work` threw, or nil.
        func failure(_ work: () throws -> Void) -> (any Error)? {
            do {
                try work()
                return nil
            } catch {
                return error
            }
        }

        /// The lane's connection, opened when there is none.
        func openConnection() throws -> PostgresConnection {
            if let connection, !connection.isClosed { return connection }
            connection = nil
            do {
                let opened = try PostgresConnection.connect(
                    on: eventLoopGroup.next(), configuration: try url.connectionConfiguration(),
                    id: Int.random(in: 0..<Int.max),
                    logger: logger
                ).wait()
                connection = opened
                return opened
            } catch let error as PSQLError
                where (error.code == .connectionError && !(error.underlying is NIOSSLError))
                || error.code == .serverClosedConnection
            {
                let reason =
                    error.code == .serverClosedConnection
                    ? "the connection closed before PostgreSQL answered (no answer within the connect_timeout, or "
                        + "something else listens there)" : Self.reason(error.underlying)
                throw MonitorError(
                    .storageUnavailable,
                    "cannot connect to PostgreSQL at \(url.location): \(reason); check the host and port of the URL, "
                        + "and that the server runs and takes connections from here")
            } catch {
                // Whatever the server said, a connection it refuses (a database that does
                // not exist or takes no connections now, a sign-in refused) leaves nothing
                // to do but wait and try again: the request is answered 503, not 500.
                let failure = PostgresFault.monitorError(error, location: url.location)
                guard failure.code == .internalError else { throw failure }
                throw MonitorError(.storageUnavailable, failure.message)
            }
        }

        /// Why a connection could not be made, in words: the system's reason for the first
        /// address tried ("Connection refused"), a name that did not resolve, or no answer
        /// within `connect_timeout`.
        static func reason(_ error: (any Error)?) -> String {
            switch error {
            case let failure as NIOConnectionError:
                if let first = failure.connectionErrors.first { return reason(first.error) }
                return "the name \(failure.host) did not resolve"
            case let failure as IOError: return String(cString: strerror(failure.errnoCode)).lowercased()
            case let failure as ChannelError:
                if case .connectTimeout = failure { return "no answer within the connect_timeout" }
                return "\(failure)"
            case let failure?: return "\(failure)"
            case nil: return "no reason given"
            }
        }

        /// Runs `body` in one transaction on this thread: committed when it returns, rolled
        /// back when it throws. A lost connection is dropped, to be opened again next time.
        /// A statement that failed fails the transaction even when the body caught its error:
        /// PostgreSQL would answer the `COMMIT` with a rollback.
        func transaction<T>(_ access: Access, _ body: (PostgresSession) throws -> T) throws -> T {
            let session = try begin(access)
            if access == .autocommit { return try body(session) }
            let result: T
            do {
                result = try body(session)
                if let failed = session.failedStatement { throw failed }
            } catch {
                rollBack(session)
                throw error
            }
            let tag: String
            do {
                tag = try session.commandTag("COMMIT")
            } catch let failure as PostgresStatementError where failure.connectionSurvives {
                // Refused at commit (a serialization failure, a deferred constraint): rolled back.
                rollBack(session)
                throw failure
            } catch let failure as PostgresStatementError {
                drop(session.connection)
                throw PostgresStatementError(
                    error: MonitorError(
                        .storageUnavailable,
                        "the connection to PostgreSQL at \(url.location) was lost during a commit, whose outcome "
                            + "is unknown (\(failure.error.message))"),
                    connectionSurvives: false)
            }
            guard tag == "COMMIT" else {
                throw PostgresStatementError(
                    error: MonitorError(
                        .internalError, "PostgreSQL answered the commit with \(tag): nothing was written"),
                    connectionSurvives: true)
            }
            return result
        }

        /// A session in a new transaction. A connection lost while idle is noticed at the
        /// `BEGIN`, before anything ran, so that one is opened again once.
        func begin(_ access: Access) throws -> PostgresSession {
            var attempt = 0
            while true {
                attempt += 1
                let connection = try openConnection()
                let session = PostgresSession(
                    connection: connection, rewrites: rewrites, logger: logger, location: url.location,
                    answerDeadline: answerDeadline)
                do {
                    switch access {
                    case .readWrite: try session.execute("BEGIN")
                    case .readOnly: try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    case .autocommit: break
                    }
                    return session
                } catch let failure as PostgresStatementError where !failure.connectionSurvives && attempt == 1 {
                    drop(connection)
                }
            }
        }

        /// Ends a failed transaction; a connection that cannot even roll back is closed.
        func rollBack(_ session: PostgresSession) {
            let lost = session.failedStatement.map { !$0.connectionSurvives } ?? false
            guard !lost, !session.connection.isClosed, (try? session.execute("ROLLBACK")) != nil else {
                drop(session.connection)
                return
            }
        }

        /// Closes `connection` (without waiting) and forgets it, so that the next transaction
        /// opens another.
        func drop(_ connection: PostgresConnection) {
            connection.closeWithoutWaiting()
            if self.connection === connection { self.connection = nil }
        }
    }

    private let core: Core

    /// A lane to the database at `url`; nothing connects until the first transaction.
    /// `name` names the thread (`ps -L`, debuggers). A statement whose answer has not
    /// come within `answerDeadline` fails with `storage_unavailable` and its connection is
    /// closed: a database behind a lost network answers nothing, not even an error.
    package init(
        url: DatabaseURL, name: String = "cronicle-postgres",
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "cronicle.postgres"), answerDeadline: Duration = .seconds(15),
        maximumBatch: Int = 1
    ) {
        let logger = PostgresConnection.quiet(logger)
        let (seconds, attoseconds) = answerDeadline.components
        core = Core(
            url: url, eventLoopGroup: eventLoopGroup, logger: logger,
            answerDeadline: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000),
            maximumBatch: max(1, maximumBatch))
        let core = core
        let thread = Thread { core.run() }
        thread.name = name
        thread.start()
    }

    deinit {
        core.stop()
    }

    /// Transactions queued and not yet taken by the lane's thread.
    package var waiting: Int { core.waiting }

    /// Transactions queued or running: 0 when the lane is idle.
    package var load: Int { core.load }

    /// Closes the connection once the transactions queued have run; later ones fail.
    package func close() { core.stop() }

    /// Runs `body` in one transaction on the lane's thread and returns what it returned:
    /// committed when it returns, rolled back when it throws. Errors are ``MonitorError``s.
    @discardableResult
    package func transaction<T: Sendable>(
        _ access: Access = .readWrite, _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        let core = core
        return try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let queued = core.enqueue(
                Pending(
                    access: access,
                    perform: { session in
                        do {
                            outcome.result = .success(try body(session))
                        } catch {
                            outcome.result = .failure(error)
                            throw error
                        }
                    },
                    finish: { error in
                        if let error {
                            continuation.resume(throwing: Self.reported(error))
                        } else {
                            continuation.resume(with: outcome.result!.mapError(Self.reported))
                        }
                    }))
            if !queued {
                continuation.resume(
                    throwing: MonitorError(
                        .unavailable, "the connection to PostgreSQL at \(core.url.location) is closed"))
            }
        }
    }

    /// The error a caller sees: a statement's failure as the ``MonitorError`` it maps to.
    private static func reported(_ error: any Error) -> any Error {
        (error as? PostgresStatementError)?.error ?? error
    }

    /// A transaction waiting for the lane's thread.
    private struct Pending: Sendable {
        let access: Access
        /// Runs the body on a session, keeping what it returned or threw, and rethrows.
        let perform: @Sendable (PostgresSession) throws -> Void
        /// Answers the caller: with the body's outcome when the commit succeeded, else the error.
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// A body's outcome, written by `perform` and read by `finish`, both on the lane's
    /// thread, one after the other; it needs no lock.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}
