import MonitorStorage

extension PostgresSchema {
    /// What SQLite's triggers do (MonitorStore's migrations v2, v6, v11, v13 and v16), in
    /// PL/pgSQL, with one difference on purpose: the job change log's `seq` is not an
    /// identity but the counter `monitor_state.job_changes`, bumped in the changing
    /// transaction. An identity's values are taken at insert and commit in any order, so a
    /// reader that remembers the largest `seq` it has seen could skip a change committed
    /// later with a smaller one; the counter's row stays locked until commit, so `seq` order
    /// is commit order (docs/design/postgres-and-several-nodes.md §3.8).
    static let triggers: [String] = [
        """
        INSERT INTO monitor_state (key, value)
        VALUES ('job_changes', '0'), ('windows_version', '0'), ('keys_version', '0')
        """,
        // The secret badge URLs are signed with (SQLite's is 32 random bytes in hex): two
        // version 4 UUIDs, 244 random bits from the server's strong random source.
        """
        INSERT INTO monitor_state (key, value)
        VALUES ('badge_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
        """,
        """
        CREATE FUNCTION cronicle_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            next_seq bigint;
        BEGIN
            UPDATE monitor_state SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = 'job_changes'
            RETURNING CAST(value AS bigint) INTO next_seq;
            INSERT INTO job_config_changes (seq, job_id)
            VALUES (next_seq, CASE WHEN TG_OP = 'DELETE' THEN OLD.job_id ELSE NEW.job_id END);
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER job_configs_changed AFTER INSERT OR UPDATE OR DELETE ON job_configs
        FOR EACH ROW EXECUTE FUNCTION cronicle_job_changed()
        """,
        // SQLite's versionCounter: a process that keeps the table in memory reads it again
        // when its counter moved.
        """
        CREATE FUNCTION cronicle_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE monitor_state SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = TG_ARGV[0];
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER windows_changed AFTER INSERT OR UPDATE OR DELETE ON windows
        FOR EACH ROW EXECUTE FUNCTION cronicle_count_change('windows_version')
        """,
        """
        CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION cronicle_count_change('keys_version')
        """,
        """
        CREATE FUNCTION cronicle_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only';
        END
        $$
        """,
        """
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION cronicle_refuse_audit_change()
        """,
        // SQLite has no TRUNCATE; here it would empty the log without a row trigger.
        """
        CREATE TRIGGER audit_log_not_truncated BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION cronicle_refuse_audit_change()
        """,
        // MonitorStore.lengthBucketSQL, the same digits: under a second the length itself,
        // else rounded towards zero to three significant digits.
        """
        CREATE FUNCTION cronicle_length_bucket(milliseconds bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE
                WHEN milliseconds IS NULL THEN \(MonitorStore.noLengthBucket)
                WHEN abs(milliseconds) < 1000 THEN milliseconds
                ELSE sign(milliseconds)::bigint * CAST(left(abs(milliseconds)::text, 3)
                    || repeat('0', length(abs(milliseconds)::text) - 3) AS bigint)
            END
        $$
        """,
        // A run that ends is counted in its job's totals and, when it has an end time, in
        // the tally of its day (UTC) and length; one function for SQLite's two triggers, so
        // an ending run costs one trigger call.
        """
        CREATE FUNCTION cronicle_run_ended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO job_run_totals AS t (job_id, succeeded, failed, last_success_at, last_failure_at,
                last_start_time, last_end_time)
            VALUES (NEW.job_id, CAST(NEW.status = 'succeeded' AS integer), CAST(NEW.status = 'failed' AS integer),
                CASE WHEN NEW.status = 'succeeded' THEN NEW.end_time END,
                CASE WHEN NEW.status = 'failed' THEN NEW.end_time END, NEW.start_time, NEW.end_time)
            ON CONFLICT (job_id) DO UPDATE SET
                succeeded = t.succeeded + excluded.succeeded,
                failed = t.failed + excluded.failed,
                last_success_at = COALESCE(excluded.last_success_at, t.last_success_at),
                last_failure_at = COALESCE(excluded.last_failure_at, t.last_failure_at),
                last_start_time = excluded.last_start_time,
                last_end_time = excluded.last_end_time;
            IF NEW.end_time IS NOT NULL THEN
                INSERT INTO job_run_days AS d (job_id, day, bucket, runs, succeeded, failed)
                VALUES (NEW.job_id, to_char(NEW.end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                    cronicle_length_bucket(NEW.duration_ms), 1, CAST(NEW.status = 'succeeded' AS integer),
                    CAST(NEW.status = 'failed' AS integer))
                ON CONFLICT (job_id, day, bucket) DO UPDATE SET
                    runs = d.runs + 1, succeeded = d.succeeded + excluded.succeeded, failed = d.failed + excluded.failed;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER job_runs_inserted_ended AFTER INSERT ON job_runs
        FOR EACH ROW WHEN (NEW.status <> 'running') EXECUTE FUNCTION cronicle_run_ended()
        """,
        """
        CREATE TRIGGER job_runs_ended AFTER UPDATE OF status ON job_runs
        FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status <> 'running') EXECUTE FUNCTION cronicle_run_ended()
        """,
        // An ended run given a start afterwards moves from "no length" to its length.
        """
        CREATE FUNCTION cronicle_run_started_late() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            run_day text := to_char(NEW.end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD');
        BEGIN
            UPDATE job_run_days SET runs = runs - 1,
                succeeded = succeeded - CAST(NEW.status = 'succeeded' AS integer),
                failed = failed - CAST(NEW.status = 'failed' AS integer)
            WHERE job_id = NEW.job_id AND day = run_day AND bucket = \(MonitorStore.noLengthBucket);
            DELETE FROM job_run_days
            WHERE job_id = NEW.job_id AND day = run_day AND bucket = \(MonitorStore.noLengthBucket) AND runs = 0;
            INSERT INTO job_run_days AS d (job_id, day, bucket, runs, succeeded, failed)
            VALUES (NEW.job_id, run_day, cronicle_length_bucket(NEW.duration_ms), 1,
                CAST(NEW.status = 'succeeded' AS integer), CAST(NEW.status = 'failed' AS integer))
            ON CONFLICT (job_id, day, bucket) DO UPDATE SET
                runs = d.runs + 1, succeeded = d.succeeded + excluded.succeeded, failed = d.failed + excluded.failed;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER job_runs_started_late AFTER UPDATE OF start_time ON job_runs
        FOR EACH ROW WHEN (OLD.status <> 'running' AND NEW.status <> 'running' AND NEW.end_time IS NOT NULL
            AND OLD.start_time IS NULL AND NEW.start_time IS NOT NULL)
        EXECUTE FUNCTION cronicle_run_started_late()
        """,
    ]
}
