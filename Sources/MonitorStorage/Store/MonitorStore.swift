import Config
import CronicleBuildInfo
import CronicleLogging
import Foundation
import GRDB
import Logging
import MonitorDomain
import Synchronization

/// The monitor's SQLite database: job configurations, runs and alerts.
///
/// ```swift
/// let store = try MonitorStore(path: "cronicle.db")
/// let (run, created) = try await store.startRun(jobID: "backup", RunStart())
/// ```
///
/// Durability: WAL journal with `synchronous = FULL`, so a write is on disk, fsynced,
/// before the call returns; a `kill -9` or a power cut right after loses nothing that
/// was reported as recorded. Concurrent writers are committed together in one
/// transaction (group commit, see ``WriteBatcher``), which keeps that guarantee while
/// paying for one fsync per batch instead of one per request. A busy timeout lets
/// `cronicle-sync` write the same file while the server runs.
public final class MonitorStore: Sendable {
    /// Where the transactions run: a SQLite file (``SQLiteBackend``) or a PostgreSQL
    /// database (the `MonitorStoragePostgres` target).
    package let backend: any StoreBackend
    public let clock: any MonitorClock
    /// What changed, as it is committed: the alert engine and live views listen here.
    public let events = StoreEvents()
    /// Writes that fail for the storage's sake (full, read-only, unreachable), logged once
    /// a minute.
    let storageFaults: ThrottledLog
    /// Every job as last decoded, with the job change counter it was read at
    /// (``allJobs(_:)``).
    let jobCache = Mutex<(counter: Int64, jobs: [Job])?>(nil)
    /// The monitor's own secrets (environment, files), when this store serves it: a
    /// sync is then refused if a channel's reference does not resolve. `cronicle-sync
    /// apply --db` runs elsewhere and leaves it nil.
    public let secrets: (any SecretResolving)?

    /// Longest run message kept, in characters; longer ones are cut there.
    public static let messageLimit = 10_000

    /// How a database is opened.
    public enum OpenMode: Sendable {
        /// Created when missing, migrated to this build's schema: `serve`, and
        /// `cronicle-sync apply --init`.
        case create
        /// Read and written, migrated to this build's schema; the file must already be a
        /// Cronicle database: `cronicle-sync apply` and `watch`, which must never fill a
        /// mistyped path that no server reads and report success.
        case existing
        /// Read only: the file must exist with this build's schema, and nothing in it or
        /// beside it changes. `plan` and `status`, which must never create a database
        /// from a mistyped path and then plan every job as new.
        case readOnly
    }

    /// Opens the SQLite database at `path`: by default creating it if needed and migrating it.
    public convenience init(
        path: String, mode: OpenMode = .create, clock: any MonitorClock = SystemClock(),
        logger: Logger = Logger(label: "cronicle"), secrets: (any SecretResolving)? = nil
    ) throws {
        try self.init(backend: SQLiteBackend(path: path, mode: mode), clock: clock, logger: logger, secrets: secrets)
    }

    /// Starts and ends applied together on PostgreSQL (``PingBatcher``); nil on SQLite,
    /// whose writer groups whole transactions instead (``WriteBatcher``).
    let pingBatcher: PingBatcher?

    /// A store over `backend`, opened (and migrated) already. `setBasedPings` false keeps
    /// every ping on the general path, for the test that compares the two.
    package init(
        backend: any StoreBackend, clock: any MonitorClock = SystemClock(), logger: Logger = Logger(label: "cronicle"),
        secrets: (any SecretResolving)? = nil, setBasedPings: Bool = true
    ) {
        self.backend = backend
        self.clock = clock
        self.secrets = secrets
        let storageFaults = ThrottledLog(logger: logger)
        self.storageFaults = storageFaults
        pingBatcher =
            setBasedPings && backend.dialect.database == .postgres
            ? PingBatcher { [location = backend.location] pings in
                do {
                    let outcomes = try await backend.write(lane: .requests) { session in
                        try Self.applyPingBatch(session, pings)
                    }
                    if storageFaults.isActive { storageFaults.clear("the database \(location) can be written again") }
                    return outcomes
                } catch let error as MonitorError where error.isStorageFault {
                    storageFaults.log("cannot write the database \(location): \(error.message)")
                    throw error
                }
            } : nil
    }

    /// How the set-based ping batches went (nil on SQLite), for tests and benchmarks.
    package var pingBatchStatistics: PingBatcher.Statistics? { pingBatcher?.statistics }

    /// The SQLite backend, for what only a file has (checkpoints, backups, tests that look
    /// at the file through GRDB); nil on PostgreSQL.
    package var sqlite: SQLiteBackend? { backend as? SQLiteBackend }

    /// Runs `operation` in a write transaction; when it throws, nothing of it is kept.
    /// On SQLite it is committed together with concurrent writers (``WriteBatcher``).
    ///
    /// A write the storage refuses (disk full, read-only file or mount, I/O error, a
    /// database server gone) throws ``MonitorError/Code/storageFull`` or
    /// ``MonitorError/Code/storageUnavailable``, which the API answers 503 with
    /// `Retry-After`; it is logged once a minute, and the first write that works again
    /// says so. Nothing needs restarting.
    @discardableResult
    package func write<T: Sendable>(
        lane: WriteLane = .requests, _ operation: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        do {
            let result = try await backend.write(lane: lane, operation)
            if storageFaults.isActive { storageFaults.clear("the database \(location) can be written again") }
            return result
        } catch let error as MonitorError where error.isStorageFault {
            storageFaults.log("cannot write the database \(location): \(error.message)")
            throw error
        }
    }

    /// Runs `operation` in a read transaction (one snapshot). A read the storage refuses
    /// (a database server gone) is logged as writes are, once a minute.
    package func read<T: Sendable>(_ operation: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        do {
            return try await backend.read(operation)
        } catch let error as MonitorError where error.code == .storageUnavailable {
            storageFaults.log("cannot read the database \(location): \(error.message)")
            throw error
        }
    }

    /// A GRDB write on the SQLite file, for tests that look below the store.
    func writeDatabase<T: Sendable>(
        lane: WriteLane = .requests, _ operation: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await requireSQLite().writeDatabase(lane: lane, operation)
    }

    /// A GRDB read of the SQLite file, for tests that look below the store.
    func readDatabase<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await requireSQLite().pool.read(operation)
    }

    private func requireSQLite() throws -> SQLiteBackend {
        guard let sqlite else {
            throw MonitorError(.internalError, "this needs the SQLite store; the database is \(location)")
        }
        return sqlite
    }

    /// An error in words: a database error without the SQL that failed, a monitor error's message.
    package static func describe(_ error: any Error) -> String {
        if let error = error as? MonitorError { return error.message }
        guard let error = error as? DatabaseError else { return "\(error)" }
        return error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
    }

    /// Opens the SQLite database for `serve`, refusing one this process cannot write before
    /// the server says it listens: a monitor that cannot record pings must not look healthy.
    public static func openWritable(path: String, logger: Logger, secrets: (any SecretResolving)? = nil)
        async throws -> MonitorStore
    {
        let store: MonitorStore
        do {
            store = try MonitorStore(path: path, logger: logger, secrets: secrets)
        } catch let error as MonitorError where error.code == .invalidRequest {
            throw error  // a --db that is no file path: said as it is, not as a file that cannot be written
        } catch {
            throw SQLiteBackend.unwritable(path, error)
        }
        do {
            try await store.checkWritable()
        } catch {
            throw SQLiteBackend.unwritable(path, error)
        }
        return store
    }

    /// Writes one row (`opened_at`) and commits it, which is the only sure test that the
    /// database takes writes.
    package func checkWritable() async throws {
        let now = clock.now
        try await write { session in
            try session.execute(
                """
                INSERT INTO monitor_state (key, value) VALUES ('opened_at', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, [.text(Timestamp.databaseText(from: now))])
        }
    }

    static let sourceIdentityMigration = "v9: source identities, no credentials in repositories"

    /// The schema versions this build knows, applied in order on open.
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs, runs, alerts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE job_configs (
                        job_id TEXT PRIMARY KEY NOT NULL,
                        description TEXT,
                        schedule TEXT NOT NULL,
                        timezone TEXT NOT NULL,
                        tolerance_seconds INTEGER NOT NULL,
                        max_runtime_seconds INTEGER,
                        is_health_check BOOLEAN NOT NULL DEFAULT 0,
                        tags TEXT NOT NULL DEFAULT '[]',
                        paused BOOLEAN NOT NULL DEFAULT 0,
                        managed_by TEXT NOT NULL DEFAULT 'api' CHECK (managed_by IN ('api', 'sync')),
                        source_repository TEXT,
                        source_file TEXT,
                        source_line INTEGER,
                        source_commit TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        watched_since DATETIME NOT NULL
                    );
                    -- Runs and alerts outlive their job: no foreign key on job_id.
                    CREATE TABLE job_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL UNIQUE,
                        job_id TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                        start_time DATETIME,
                        end_time DATETIME,
                        exit_code INTEGER,
                        message TEXT,
                        client_info TEXT,
                        remote_addr TEXT,
                        user_agent TEXT
                    );
                    CREATE INDEX job_runs_by_job ON job_runs(job_id, id);
                    CREATE INDEX job_runs_open ON job_runs(job_id, id) WHERE status = 'running';
                    CREATE INDEX job_runs_by_status ON job_runs(status, id);
                    CREATE TABLE job_alerts (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT NOT NULL,
                        type TEXT NOT NULL CHECK (type IN ('missed_job', 'long_running', 'failed')),
                        created_at DATETIME NOT NULL,
                        fire_time DATETIME,
                        last_fire_time DATETIME,
                        run_id TEXT REFERENCES job_runs(run_id),
                        last_run_id TEXT REFERENCES job_runs(run_id),
                        missed_count INTEGER NOT NULL DEFAULT 0,
                        failure_count INTEGER NOT NULL DEFAULT 0,
                        acknowledged_at DATETIME,
                        resolved_at DATETIME
                    );
                    -- Incidents, not storms: one open missed_job and one open failed alert per job,
                    -- one alert per missed fire time and per long run, even across a crash.
                    CREATE UNIQUE INDEX job_alerts_one_open_incident ON job_alerts(job_id, type)
                        WHERE resolved_at IS NULL AND type IN ('missed_job', 'failed');
                    CREATE UNIQUE INDEX job_alerts_by_fire_time ON job_alerts(job_id, fire_time)
                        WHERE type = 'missed_job';
                    CREATE UNIQUE INDEX job_alerts_by_long_run ON job_alerts(run_id) WHERE type = 'long_running';
                    CREATE INDEX job_alerts_by_job ON job_alerts(job_id, id);
                    CREATE INDEX job_alerts_open ON job_alerts(job_id) WHERE resolved_at IS NULL;
                    """)
        }
        migrator.registerMigration("v2: alert engine state, job change log") { db in
            try db.execute(
                sql: """
                    -- Every change to a job configuration, by this process or another one
                    -- (cronicle-sync --db), so the alert engine reloads only what changed.
                    CREATE TABLE job_config_changes (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT NOT NULL
                    );
                    CREATE TRIGGER job_configs_inserted AFTER INSERT ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (NEW.job_id); END;
                    CREATE TRIGGER job_configs_updated AFTER UPDATE ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (NEW.job_id); END;
                    CREATE TRIGGER job_configs_deleted AFTER DELETE ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (OLD.job_id); END;
                    -- Small named values, such as the instant through which every deadline was checked.
                    CREATE TABLE monitor_state (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: sync history") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sync_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        applied_at DATETIME NOT NULL,
                        repository TEXT,
                        ref TEXT,
                        commit_id TEXT,
                        path TEXT,
                        result TEXT NOT NULL CHECK (result IN ('applied', 'failed')),
                        created INTEGER NOT NULL DEFAULT 0,
                        updated INTEGER NOT NULL DEFAULT 0,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        unchanged INTEGER NOT NULL DEFAULT 0,
                        error TEXT
                    );
                    """)
        }
        migrator.registerMigration("v4: runs by start time, failed runs") { db in
            try db.execute(
                sql: """
                    -- The alert engine asks whether a job started within a window: one index
                    -- look-up, where walking the job's runs backwards took as long as the job
                    -- had pinged since the window opened (a second, for a job pinging 10,000
                    -- times a second).
                    CREATE INDEX job_runs_by_start ON job_runs(job_id, start_time);
                    -- Listing runs by status needs an index only for the rare statuses: open
                    -- runs have job_runs_open, failed ones this. Succeeded runs are most rows,
                    -- and an index of every run's status cost each ping two more index writes.
                    DROP INDEX job_runs_by_status;
                    CREATE INDEX job_runs_failed ON job_runs(id) WHERE status = 'failed';
                    """)
        }
        migrator.registerMigration("v5: apply request ids") { db in
            try db.execute(
                sql: """
                    -- The id `cronicle-sync apply --server` sends with an apply, so that sending
                    -- it again after a lost answer returns what was done instead of doing it twice.
                    ALTER TABLE sync_history ADD COLUMN request_id TEXT;
                    CREATE UNIQUE INDEX sync_history_request ON sync_history(request_id) WHERE request_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v6: notification channels and their outbox") { db in
            try db.execute(
                sql: """
                    -- The channels a job names (JSON list); channels whose match selects it come on top.
                    ALTER TABLE job_configs ADD COLUMN notify TEXT NOT NULL DEFAULT '[]';
                    -- Channels come from git only. `definition` is the channel as JSON, its secrets
                    -- still by reference (${env:...}, ${file:...}): never stored resolved.
                    CREATE TABLE channels (
                        name TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        definition TEXT NOT NULL,
                        source_repository TEXT,
                        source_file TEXT,
                        source_line INTEGER,
                        source_commit TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    -- The outbox: one row per notification to one channel, written in the
                    -- transaction of the alert change it tells of, sent and retried by the sender.
                    CREATE TABLE deliveries (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        delivery_id TEXT NOT NULL UNIQUE,
                        channel TEXT NOT NULL,
                        event TEXT NOT NULL,
                        alert_id INTEGER,
                        job_id TEXT,
                        created_at DATETIME NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME,
                        last_status_code INTEGER,
                        last_error TEXT,
                        delivered_at DATETIME
                    );
                    CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
                    -- Per channel and alert, deliveries go out in order: the first pending one holds the line.
                    CREATE INDEX deliveries_line ON deliveries(channel, alert_id, id) WHERE status = 'pending';
                    CREATE INDEX deliveries_by_channel ON deliveries(channel, id);
                    CREATE INDEX deliveries_by_alert ON deliveries(alert_id, id);
                    """)
        }
        migrator.registerMigration("v7: alerts about channels, refused applies in the outbox") { db in
            // SQLite cannot relax NOT NULL or a CHECK in place: the table is rebuilt, as its
            // documentation prescribes (new table, copy, drop, rename), keeping every id.
            try db.execute(
                sql: """
                    CREATE TABLE job_alerts_v7 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT,
                        channel TEXT,
                        type TEXT NOT NULL
                            CHECK (type IN ('missed_job', 'long_running', 'failed', 'channel_failing')),
                        created_at DATETIME NOT NULL,
                        fire_time DATETIME,
                        last_fire_time DATETIME,
                        run_id TEXT REFERENCES job_runs(run_id),
                        last_run_id TEXT REFERENCES job_runs(run_id),
                        missed_count INTEGER NOT NULL DEFAULT 0,
                        failure_count INTEGER NOT NULL DEFAULT 0,
                        acknowledged_at DATETIME,
                        resolved_at DATETIME,
                        -- A job's alert names its job; a channel's names its channel.
                        CHECK (CASE WHEN type = 'channel_failing' THEN job_id IS NULL AND channel IS NOT NULL
                            ELSE job_id IS NOT NULL AND channel IS NULL END)
                    );
                    INSERT INTO job_alerts_v7 (id, job_id, type, created_at, fire_time, last_fire_time, run_id,
                        last_run_id, missed_count, failure_count, acknowledged_at, resolved_at)
                    SELECT id, job_id, type, created_at, fire_time, last_fire_time, run_id, last_run_id, missed_count,
                        failure_count, acknowledged_at, resolved_at
                    FROM job_alerts;
                    DROP TABLE job_alerts;
                    ALTER TABLE job_alerts_v7 RENAME TO job_alerts;
                    CREATE UNIQUE INDEX job_alerts_one_open_incident ON job_alerts(job_id, type)
                        WHERE resolved_at IS NULL AND type IN ('missed_job', 'failed');
                    CREATE UNIQUE INDEX job_alerts_by_fire_time ON job_alerts(job_id, fire_time)
                        WHERE type = 'missed_job';
                    CREATE UNIQUE INDEX job_alerts_by_long_run ON job_alerts(run_id) WHERE type = 'long_running';
                    CREATE INDEX job_alerts_by_job ON job_alerts(job_id, id);
                    CREATE INDEX job_alerts_open ON job_alerts(job_id) WHERE resolved_at IS NULL;
                    -- A sync_failed delivery tells of a refused apply, not of an alert.
                    ALTER TABLE deliveries ADD COLUMN sync_id INTEGER REFERENCES sync_history(id);
                    -- A job's page lists the notifications of its alerts.
                    CREATE INDEX deliveries_by_job ON deliveries(job_id, id);
                    -- One open channel_failing alert per channel.
                    CREATE UNIQUE INDEX job_alerts_one_failing_channel ON job_alerts(channel)
                        WHERE resolved_at IS NULL AND type = 'channel_failing';
                    """)
        }
        migrator.registerMigration("v8: interval and end-only jobs, ping uuids, run output") { db in
            // schedule becomes optional (an interval job has `every` instead): SQLite cannot
            // relax NOT NULL in place, so the table is rebuilt as in v7. Every existing job
            // gets its ping uuid here, once (version 4, random), and keeps it.
            try db.execute(
                sql: """
                    CREATE TABLE job_configs_v8 (
                        job_id TEXT PRIMARY KEY NOT NULL,
                        description TEXT,
                        schedule TEXT,
                        every_seconds INTEGER CHECK (every_seconds > 0),
                        timezone TEXT NOT NULL,
                        tolerance_seconds INTEGER NOT NULL,
                        max_runtime_seconds INTEGER,
                        is_health_check BOOLEAN NOT NULL DEFAULT 0,
                        tags TEXT NOT NULL DEFAULT '[]',
                        paused BOOLEAN NOT NULL DEFAULT 0,
                        managed_by TEXT NOT NULL DEFAULT 'api' CHECK (managed_by IN ('api', 'sync')),
                        source_repository TEXT,
                        source_file TEXT,
                        source_line INTEGER,
                        source_commit TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        watched_since DATETIME NOT NULL,
                        notify TEXT NOT NULL DEFAULT '[]',
                        expect TEXT NOT NULL DEFAULT 'start' CHECK (expect IN ('start', 'end')),
                        watch_from TEXT NOT NULL DEFAULT 'creation' CHECK (watch_from IN ('creation', 'first_run')),
                        ping_uuid TEXT NOT NULL UNIQUE,
                        CHECK ((schedule IS NULL) <> (every_seconds IS NULL))
                    );
                    INSERT INTO job_configs_v8 (job_id, description, schedule, timezone, tolerance_seconds,
                        max_runtime_seconds, is_health_check, tags, paused, managed_by, source_repository, source_file,
                        source_line, source_commit, created_at, updated_at, watched_since, notify, ping_uuid)
                    SELECT job_id, description, schedule, timezone, tolerance_seconds, max_runtime_seconds,
                        is_health_check, tags, paused, managed_by, source_repository, source_file, source_line,
                        source_commit, created_at, updated_at, watched_since, notify,
                        lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
                            || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
                            || '-' || hex(randomblob(6)))
                    FROM job_configs;
                    DROP TABLE job_configs;
                    ALTER TABLE job_configs_v8 RENAME TO job_configs;
                    CREATE TRIGGER job_configs_inserted AFTER INSERT ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (NEW.job_id); END;
                    CREATE TRIGGER job_configs_updated AFTER UPDATE ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (NEW.job_id); END;
                    CREATE TRIGGER job_configs_deleted AFTER DELETE ON job_configs
                        BEGIN INSERT INTO job_config_changes (job_id) VALUES (OLD.job_id); END;
                    -- What meets an expected time: a run's start, or its end when it has no start (a
                    -- Healthchecks success ping), or with expect: end its end. Replaces the index of
                    -- starts, and serves the since/until filters of GET /job_runs, written the same way.
                    DROP INDEX job_runs_by_start;
                    CREATE INDEX job_runs_by_ping ON job_runs(job_id, COALESCE(start_time, end_time));
                    CREATE INDEX job_runs_by_end ON job_runs(job_id, end_time);
                    -- What a run printed, apart from the runs so that lists of runs stay small.
                    CREATE TABLE run_outputs (
                        run_id TEXT PRIMARY KEY NOT NULL REFERENCES job_runs(run_id) ON DELETE CASCADE,
                        output BLOB NOT NULL,
                        received_bytes INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration(sourceIdentityMigration) { db in
            // Which sync source owns a job or a channel (DESIGN 12). Rows from before stay
            // NULL: the first source that applies them claims them (see Job.Origin.isOwned).
            try db.execute(
                sql: """
                    ALTER TABLE job_configs ADD COLUMN source_id TEXT;
                    ALTER TABLE channels ADD COLUMN source_id TEXT;
                    ALTER TABLE sync_history ADD COLUMN source_id TEXT;
                    ALTER TABLE sync_history ADD COLUMN dirty BOOLEAN NOT NULL DEFAULT 0;
                    """)
            // Repositories were recorded as given, a token in the URL included: strip it
            // from every row, as cronicle-sync now strips it before sending, and zero the
            // space the old values leave (secure_delete) so that no copy stays in the file.
            let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
            for (table, column) in [
                ("job_configs", "source_repository"), ("channels", "source_repository"), ("sync_history", "repository"),
            ] {
                for address in try String.fetchAll(
                    db, sql: "SELECT DISTINCT \(column) FROM \(table) WHERE \(column) LIKE '%://%@%'")
                where RepositoryAddress.redacted(address) != address {
                    try db.execute(
                        sql: "UPDATE \(table) SET \(column) = ? WHERE \(column) = ?",
                        arguments: [RepositoryAddress.redacted(address), address])
                }
            }
        }
        migrator.registerMigration(policyMigration) { db in
            // A job's alert policy (DESIGN 11.1), an operator's pause and snooze (11.4), kept
            // apart from the definition's `paused` so that an apply neither changes them nor
            // reports them as drift. The alerts table is rebuilt as in v7 for `too_fast` in
            // its CHECK, and gains `silenced`: why an alert's opening was not told (a snooze
            // or a window), so that it is told when the silence ends, and its resolution,
            // of an opening never told, is not.
            try db.execute(
                sql: """
                    ALTER TABLE job_configs ADD COLUMN min_runtime_seconds INTEGER CHECK (min_runtime_seconds > 0);
                    ALTER TABLE job_configs ADD COLUMN failure_threshold INTEGER NOT NULL DEFAULT 1
                        CHECK (failure_threshold >= 1);
                    ALTER TABLE job_configs ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
                    ALTER TABLE job_configs ADD COLUMN paused_at DATETIME;
                    ALTER TABLE job_configs ADD COLUMN paused_by TEXT;
                    ALTER TABLE job_configs ADD COLUMN pause_reason TEXT;
                    ALTER TABLE job_configs ADD COLUMN snoozed_until DATETIME;
                    ALTER TABLE job_configs ADD COLUMN snoozed_by TEXT;
                    ALTER TABLE job_configs ADD COLUMN snooze_reason TEXT;
                    -- Failed runs in a row per job, counted as ends are recorded: a success
                    -- resets it. Apart from job_configs, whose every update reloads the job.
                    CREATE TABLE failure_streaks (
                        job_id TEXT PRIMARY KEY NOT NULL,
                        failures INTEGER NOT NULL,
                        first_run_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE job_alerts_v10 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT,
                        channel TEXT,
                        type TEXT NOT NULL
                            CHECK (type IN ('missed_job', 'long_running', 'failed', 'too_fast', 'channel_failing')),
                        created_at DATETIME NOT NULL,
                        fire_time DATETIME,
                        last_fire_time DATETIME,
                        run_id TEXT REFERENCES job_runs(run_id),
                        last_run_id TEXT REFERENCES job_runs(run_id),
                        missed_count INTEGER NOT NULL DEFAULT 0,
                        failure_count INTEGER NOT NULL DEFAULT 0,
                        acknowledged_at DATETIME,
                        resolved_at DATETIME,
                        silenced TEXT,
                        CHECK (CASE WHEN type = 'channel_failing' THEN job_id IS NULL AND channel IS NOT NULL
                            ELSE job_id IS NOT NULL AND channel IS NULL END)
                    );
                    INSERT INTO job_alerts_v10 (id, job_id, channel, type, created_at, fire_time, last_fire_time,
                        run_id, last_run_id, missed_count, failure_count, acknowledged_at, resolved_at)
                    SELECT id, job_id, channel, type, created_at, fire_time, last_fire_time, run_id, last_run_id,
                        missed_count, failure_count, acknowledged_at, resolved_at
                    FROM job_alerts;
                    DROP TABLE job_alerts;
                    ALTER TABLE job_alerts_v10 RENAME TO job_alerts;
                    CREATE UNIQUE INDEX job_alerts_one_open_incident ON job_alerts(job_id, type)
                        WHERE resolved_at IS NULL AND type IN ('missed_job', 'failed', 'too_fast');
                    CREATE UNIQUE INDEX job_alerts_by_fire_time ON job_alerts(job_id, fire_time)
                        WHERE type = 'missed_job';
                    CREATE UNIQUE INDEX job_alerts_by_long_run ON job_alerts(run_id) WHERE type = 'long_running';
                    CREATE INDEX job_alerts_by_job ON job_alerts(job_id, id);
                    CREATE INDEX job_alerts_open ON job_alerts(job_id) WHERE resolved_at IS NULL;
                    CREATE UNIQUE INDEX job_alerts_one_failing_channel ON job_alerts(channel)
                        WHERE resolved_at IS NULL AND type = 'channel_failing';
                    CREATE INDEX job_alerts_silenced ON job_alerts(id) WHERE resolved_at IS NULL AND silenced IS NOT NULL;
                    -- The sender forgets ended snoozes every few seconds: only snoozed jobs are read.
                    CREATE INDEX job_configs_snoozed ON job_configs(snoozed_until) WHERE snoozed_until IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v11: maintenance windows") { db in
            // Windows come from git only, like channels: `definition` is the window as JSON.
            // Every change bumps windows_version, so a process that keeps the windows in
            // memory (the alert engine's look-ups) knows when to read them again.
            try db.execute(
                sql: """
                    CREATE TABLE windows (
                        name TEXT PRIMARY KEY NOT NULL,
                        definition TEXT NOT NULL,
                        source_repository TEXT,
                        source_file TEXT,
                        source_line INTEGER,
                        source_commit TEXT,
                        source_id TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    """ + versionCounter("windows_version", countingChangesTo: "windows"))
        }
        migrator.registerMigration("v12: keys, sign-in sessions, audit log, badge secret") { db in
            // Keys keep only the SHA-256 of their secret. Every change bumps keys_version,
            // so a server that keeps the keys in memory knows when another process (`cronicle
            // keys revoke --db`) changed them. A session names the secret it was opened with
            // by its hash, so revoking the key (or changing --api-token) ends its sessions.
            // The audit log takes no UPDATE or DELETE: what it says stays as it was written.
            try db.execute(
                sql: """
                    CREATE TABLE api_keys (
                        name TEXT PRIMARY KEY NOT NULL,
                        scope TEXT NOT NULL,
                        jobs TEXT NOT NULL DEFAULT '[]',
                        tags TEXT NOT NULL DEFAULT '[]',
                        secret_hash TEXT NOT NULL UNIQUE,
                        hint TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        created_by TEXT NOT NULL,
                        revoked_at DATETIME,
                        revoked_by TEXT
                    );
                    INSERT INTO monitor_state (key, value) VALUES ('badge_secret', lower(hex(randomblob(32))))
                        ON CONFLICT (key) DO NOTHING;
                    CREATE TABLE sessions (
                        token_hash TEXT PRIMARY KEY NOT NULL,
                        secret_hash TEXT NOT NULL,
                        name TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL
                    );
                    CREATE INDEX sessions_expiry ON sessions(expires_at);
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at DATETIME NOT NULL,
                        actor TEXT NOT NULL,
                        via TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        target TEXT NOT NULL,
                        job_id TEXT,
                        commit_id TEXT,
                        before TEXT,
                        after TEXT
                    );
                    CREATE INDEX audit_log_job ON audit_log(job_id, id) WHERE job_id IS NOT NULL;
                    CREATE INDEX audit_log_actor ON audit_log(actor, id);
                    CREATE INDEX audit_log_kind ON audit_log(kind, id);
                    CREATE INDEX audit_log_at ON audit_log(at);
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """ + versionCounter("keys_version", countingChangesTo: "api_keys"))
        }
        migrator.registerMigration(metricsMigration) { db in
            // `GET /metrics` exports each job's runs by result and its latest success and
            // failure. Counting them from job_runs scans every run of every job (a second
            // for a few million runs), and a count that drops when --keep-runs removes old
            // runs is no Prometheus counter. So ended runs are counted here as they end, by
            // triggers, whatever writes them: one upsert of a small row per ended run,
            // and one read of 10,000 rows per scrape. Runs ended before this migration are
            // counted once, below.
            try db.execute(
                sql: """
                    CREATE TABLE job_run_totals (
                        job_id TEXT PRIMARY KEY NOT NULL,
                        succeeded INTEGER NOT NULL DEFAULT 0,
                        failed INTEGER NOT NULL DEFAULT 0,
                        last_success_at DATETIME,
                        last_failure_at DATETIME,
                        -- The start and end of the latest run to end, for its duration.
                        last_start_time DATETIME,
                        last_end_time DATETIME
                    ) WITHOUT ROWID;
                    INSERT INTO job_run_totals (job_id, succeeded, failed, last_success_at, last_failure_at)
                    SELECT job_id, SUM(status = 'succeeded'), SUM(status = 'failed'),
                        MAX(CASE WHEN status = 'succeeded' THEN end_time END),
                        MAX(CASE WHEN status = 'failed' THEN end_time END)
                    FROM job_runs WHERE status <> 'running' GROUP BY job_id;
                    UPDATE job_run_totals SET (last_start_time, last_end_time) = (
                        SELECT start_time, end_time FROM job_runs r
                        WHERE r.job_id = job_run_totals.job_id AND r.status <> 'running'
                        ORDER BY r.end_time DESC LIMIT 1);
                    CREATE TRIGGER job_runs_inserted_ended AFTER INSERT ON job_runs WHEN NEW.status <> 'running'
                    BEGIN \(runEndedUpsert) END;
                    CREATE TRIGGER job_runs_ended AFTER UPDATE OF status ON job_runs
                        WHEN OLD.status = 'running' AND NEW.status <> 'running'
                    BEGIN \(runEndedUpsert) END;
                    """)
        }
        migrator.registerMigration(retentionMigration) { db in
            // What `--keep-runs` and `--keep-alerts` remove, found without scanning a table
            // (see MonitorStore+Retention.swift). Deleting a run makes SQLite look for alerts
            // that name it (the foreign keys of run_id and last_run_id): without these two
            // indexes each deleted run cost two scans of job_alerts. Resolved alerts are
            // found by when they resolved.
            try db.execute(
                sql: """
                    CREATE INDEX job_alerts_by_run ON job_alerts(run_id);
                    CREATE INDEX job_alerts_by_last_run ON job_alerts(last_run_id);
                    CREATE INDEX job_alerts_resolved ON job_alerts(resolved_at) WHERE resolved_at IS NOT NULL;
                    """)
        }
        migrator.registerMigration(statsMigration) { db in
            // A job's stats read, for each run that ended in its window, the status and the
            // length (MonitorStore+Stats.swift). The length is a generated column, computed
            // when a run's index entry is written, and both are in the index of ends: the
            // stats read numbers from the index, with no date parsed and no row looked up.
            // An ending run changes this index anyway (its end_time), so pings pay nothing
            // more than computing the length once.
            try db.execute(
                sql: """
                    ALTER TABLE job_runs ADD COLUMN duration_ms INTEGER GENERATED ALWAYS AS
                        (CAST(ROUND((julianday(end_time) - julianday(start_time)) * 86400000) AS INTEGER)) VIRTUAL;
                    DROP INDEX job_runs_by_end;
                    CREATE INDEX job_runs_by_end ON job_runs(job_id, end_time, status, duration_ms);
                    """)
        }
        migrator.registerMigration(runDaysMigration) { db in
            // A job's runs that ended, counted per day (UTC) and per length, rounded down
            // to three significant digits: a stats window reads its whole days here and only
            // its first, partial day from the runs (MonitorStore+Stats.swift), so a job with
            // a million runs in 30 days costs a few thousand rows, not a million. Kept by
            // triggers as the run totals are, one upsert per ended run. The store never
            // gives an ended run a start (a late start joins it without one, DESIGN 10.2),
            // but a row changed by hand or by an import could get one: the third trigger
            // moves such a run from "no length" to its length. What is here already is
            // counted once, below (for a large history, a while).
            let upsert = Self.runDayUpsert(length: "NEW.duration_ms")
            try db.execute(
                sql: """
                    CREATE TABLE job_run_days (
                        job_id TEXT NOT NULL,
                        day TEXT NOT NULL,
                        -- The length in milliseconds to three significant digits, or
                        -- \(Self.noLengthBucket) for runs without a start.
                        bucket INTEGER NOT NULL,
                        runs INTEGER NOT NULL,
                        succeeded INTEGER NOT NULL,
                        failed INTEGER NOT NULL,
                        PRIMARY KEY (job_id, day, bucket)
                    ) WITHOUT ROWID;
                    INSERT INTO job_run_days (job_id, day, bucket, runs, succeeded, failed)
                    SELECT job_id, substr(end_time, 1, 10), \(Self.lengthBucketSQL("duration_ms")), COUNT(*),
                        SUM(status = 'succeeded'), SUM(status = 'failed')
                    FROM job_runs WHERE status <> 'running' AND end_time IS NOT NULL
                    GROUP BY 1, 2, 3;
                    CREATE TRIGGER job_runs_inserted_ended_days AFTER INSERT ON job_runs
                        WHEN NEW.status <> 'running' AND NEW.end_time IS NOT NULL
                    BEGIN \(upsert) END;
                    CREATE TRIGGER job_runs_ended_days AFTER UPDATE OF status ON job_runs
                        WHEN OLD.status = 'running' AND NEW.status <> 'running' AND NEW.end_time IS NOT NULL
                    BEGIN \(upsert) END;
                    CREATE TRIGGER job_runs_started_late_days AFTER UPDATE OF start_time ON job_runs
                        WHEN OLD.status <> 'running' AND NEW.status <> 'running' AND NEW.end_time IS NOT NULL
                            AND OLD.start_time IS NULL AND NEW.start_time IS NOT NULL
                    BEGIN
                        UPDATE job_run_days SET runs = runs - 1, succeeded = succeeded - (NEW.status = 'succeeded'),
                            failed = failed - (NEW.status = 'failed')
                        WHERE job_id = NEW.job_id AND day = substr(NEW.end_time, 1, 10)
                            AND bucket = \(Self.noLengthBucket);
                        DELETE FROM job_run_days WHERE job_id = NEW.job_id AND day = substr(NEW.end_time, 1, 10)
                            AND bucket = \(Self.noLengthBucket) AND runs = 0;
                        \(upsert)
                    END;
                    """)
        }
        return migrator
    }

    /// SQL that makes `monitor_state.key` count every insert, update and delete of `table`,
    /// so that a process keeping the table in memory knows when to read it again.
    static func versionCounter(_ key: String, countingChangesTo table: String) -> String {
        let bump = "UPDATE monitor_state SET value = CAST(value AS INTEGER) + 1 WHERE key = '\(key)'; END;"
        return """
            INSERT INTO monitor_state (key, value) VALUES ('\(key)', '0') ON CONFLICT (key) DO NOTHING;
            CREATE TRIGGER \(table)_inserted AFTER INSERT ON \(table) BEGIN \(bump)
            CREATE TRIGGER \(table)_updated AFTER UPDATE ON \(table) BEGIN \(bump)
            CREATE TRIGGER \(table)_deleted AFTER DELETE ON \(table) BEGIN \(bump)
            """
    }

    static let metricsMigration = "v13: metrics indexes"

    /// What the triggers of ``metricsMigration`` do when run `NEW` ends: count it, and
    /// keep the latest success, failure and ended run's times.
    private static let runEndedUpsert = """
        INSERT INTO job_run_totals (job_id, succeeded, failed, last_success_at, last_failure_at, last_start_time,
            last_end_time)
        VALUES (NEW.job_id, NEW.status = 'succeeded', NEW.status = 'failed',
            CASE WHEN NEW.status = 'succeeded' THEN NEW.end_time END,
            CASE WHEN NEW.status = 'failed' THEN NEW.end_time END, NEW.start_time, NEW.end_time)
        ON CONFLICT (job_id) DO UPDATE SET
            succeeded = succeeded + excluded.succeeded,
            failed = failed + excluded.failed,
            last_success_at = COALESCE(excluded.last_success_at, last_success_at),
            last_failure_at = COALESCE(excluded.last_failure_at, last_failure_at),
            last_start_time = excluded.last_start_time,
            last_end_time = excluded.last_end_time;
        """

    static let policyMigration = "v10: alert policy, operator pause and snooze"
    static let retentionMigration = "v14: retention indexes"
    static let statsMigration = "v15: run lengths in the index of ends, for stats"
    static let runDaysMigration = "v16: runs per day and length, for stats"

    /// The bucket of ``runDaysMigration``'s table for runs without a length (no start).
    package static let noLengthBucket: Int64 = -1 << 62

    /// SQL for the bucket of a length in milliseconds, `length` (an expression): the
    /// length itself under a second, else rounded down (towards zero) to three significant
    /// digits, so a bucket is at most 1% wide; ``noLengthBucket`` when it is NULL. The
    /// same as ``lengthBucket(_:)``.
    static func lengthBucketSQL(_ length: String) -> String {
        func truncated(_ value: String) -> String {
            """
            CAST(substr(CAST(\(value) AS TEXT), 1, 3) || substr('0000000000000000000', 1, length(CAST(\(value) AS TEXT)) - 3) AS INTEGER)
            """
        }
        return """
            CASE WHEN \(length) IS NULL THEN \(noLengthBucket) WHEN abs(\(length)) < 1000 THEN \(length) \
            WHEN \(length) > 0 THEN \(truncated(length)) ELSE -\(truncated("-(\(length))")) END
            """
    }

    /// The bucket ``lengthBucketSQL(_:)`` gives `milliseconds`.
    static func lengthBucket(_ milliseconds: Int64?) -> Int64 {
        guard let milliseconds else { return noLengthBucket }
        let magnitude = milliseconds.magnitude
        guard magnitude >= 1000 else { return milliseconds }
        var scale: UInt64 = 1
        while magnitude / scale >= 1000 { scale *= 10 }
        let truncated = Int64(magnitude / scale * scale)
        return milliseconds < 0 ? -truncated : truncated
    }

    /// What the triggers of ``runDaysMigration`` do when run `NEW` ends (or gets its
    /// length): count it in its day and its length's bucket.
    private static func runDayUpsert(length: String) -> String {
        """
        INSERT INTO job_run_days (job_id, day, bucket, runs, succeeded, failed)
        VALUES (NEW.job_id, substr(NEW.end_time, 1, 10), \(lengthBucketSQL(length)), 1, NEW.status = 'succeeded',
            NEW.status = 'failed')
        ON CONFLICT (job_id, day, bucket) DO UPDATE SET
            runs = runs + 1, succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed;
        """
    }
}

extension MonitorStore {
    /// Closes the database; later calls fail. The server calls it after the last request.
    public func close() throws {
        try backend.close()
    }
}
