// Public types of cronicle-client (the CommonJS entry; index.d.mts re-exports them for ES modules).

/** The library version, also sent in `client_info.library` as `cronicle-client/<VERSION>`. */
export declare const VERSION: string;
/** The address `cronicle serve` listens on by default; never a fallback: pass it as `url` to use it. */
export declare const DEFAULT_URL: string;

/** Receives warnings about pings that could not be delivered. */
export type Logger =
  | ((message: string, details: WarningDetails) => void)
  | { warn(message: string, details: WarningDetails): void };

export interface WarningDetails {
  /** The failure kind: the error's `code` (`connection_failed`, `timeout`, `not_found`, ...). */
  kind: string;
  /** Which ping failed. */
  what: 'start' | 'end' | 'fail' | 'heartbeat';
  jobId: string;
  error: unknown;
}

export interface ClientOptions {
  /**
   * Base URL of the monitor. Default: `CRONICLE_URL`. Required: with neither (or an empty
   * `CRONICLE_URL`) the constructor throws a TypeError.
   */
  url?: string | URL;
  /**
   * The key for reads (`read` scope or more), sent as `Authorization: Bearer`; also for
   * runs when there is no ping key. Default: `CRONICLE_API_TOKEN`.
   */
  apiToken?: string;
  /**
   * The key for runs (start, end, fail, heartbeat: `ping` scope covering the job, or
   * `write`); also for reads when there is no API token. Default: `CRONICLE_PING_KEY`.
   */
  pingKey?: string;
  /** Milliseconds one HTTP attempt may take. Default 5000. */
  timeout?: number;
  /** Milliseconds a call may spend, retries included. Default 10000. */
  deadline?: number;
  /** Throw when a ping cannot be delivered, instead of warning. Default false. */
  strict?: boolean;
  /** Where warnings go. Default: `process.emitWarning`, once per failure kind; `null` for none. */
  logger?: Logger | null;
  /** Extra fields for every `client_info` this client sends. */
  clientInfo?: Record<string, unknown>;
}

/** What the library sends as `client_info`, plus whatever the caller adds. */
export interface ClientInfo {
  hostname: string;
  os: string;
  runtime: string;
  pid: number;
  library: string;
  [key: string]: unknown;
}

export interface Run {
  run_id: string;
  job_id: string;
  status: 'running' | 'succeeded' | 'failed';
  start_time: string | null;
  end_time: string | null;
  /** Minutes. */
  duration: number | null;
  exit_code: number | null;
  message: string | null;
  client_info: Record<string, unknown> | null;
  remote_addr: string | null;
  user_agent: string | null;
  [key: string]: unknown;
}

export interface Job {
  job_id: string;
  schedule: string | null;
  timezone: string;
  tolerance: number;
  max_runtime: number | null;
  is_health_check: boolean;
  description: string | null;
  tags: string[];
  paused: boolean;
  managed_by: string;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface Alert {
  id: number | string;
  job_id: string | null;
  type: 'missed_job' | 'long_running' | 'failed' | string;
  created_at: string;
  acknowledged: boolean;
  acknowledged_at: string | null;
  resolved_at: string | null;
  [key: string]: unknown;
}

export interface JobStatus {
  job_id: string;
  status: 'paused' | 'long_running' | 'missed' | 'failed' | 'late' | 'running' | 'ok' | 'new';
  last_run: Run | null;
  next_fire_time: string | null;
  deadline: string | null;
  open_alerts: Alert[];
  [key: string]: unknown;
}

export interface RunContext {
  jobId: string;
  runId: string;
}

export interface RunOptions {
  /** Run id shared by start and end. Default: `crypto.randomUUID()`. */
  runId?: string;
  clientInfo?: Record<string, unknown>;
}

export interface EndOptions {
  /** Without it, the job's oldest open run is closed (or a run of its own is recorded). */
  runId?: string;
  exitCode?: number;
  message?: string;
}

export interface FailOptions extends EndOptions {
  /** Recorded as "Name: message" when `message` is not given. */
  error?: unknown;
}

export interface RunFilters {
  jobId?: string;
  status?: 'running' | 'succeeded' | 'failed';
  since?: string | Date;
  until?: string | Date;
  /** Items per request, 1 to 500. Default 100. */
  perPage?: number;
}

export interface AlertFilters {
  jobId?: string;
  type?: 'missed_job' | 'long_running' | 'failed' | string;
  acknowledged?: boolean;
  resolved?: boolean;
  /** Items per request, 1 to 500. Default 100. */
  perPage?: number;
}

export interface Page<T> {
  page: number;
  per_page: number;
  total: number;
  [key: string]: unknown;
}

/** A lazily fetched list: `for await (const x of list)`, or `await list.toArray()`. */
export declare class Paginated<T> implements AsyncIterable<T> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Each page as the server sent it. */
  pages(): AsyncGenerator<Page<T>>;
  toArray(limit?: number): Promise<T[]>;
}

export interface JobList extends AsyncIterable<Job> {
  toArray(): Promise<Job[]>;
}

/** An API call that failed. `status` is null when no answer arrived. */
export declare class CronicleError extends Error {
  constructor(message: string, options?: { status?: number | null; code?: string; retryAfter?: number | null; cause?: unknown });
  readonly name: 'CronicleError';
  /** HTTP status, or null (`connection_failed`, `timeout`). */
  status: number | null;
  /** The server's error code (`not_found`, `invalid_request`, `unauthorized`, `conflict`, `storage_full`, ...), or `connection_failed`, `timeout`, `invalid_response`, `http_<status>`. */
  code: string;
  /** Seconds the server asked to wait before retrying, or null. */
  retryAfter: number | null;
}

export declare class Client {
  /** Throws TypeError or RangeError for a bad option, before any request. */
  constructor(options?: ClientOptions);
  /** The base URL in use, without a trailing slash. */
  readonly url: string;

  /**
   * Records a start, runs `fn`, records an end with exit code 0 and returns `fn`'s value;
   * when `fn` throws, records a failed end ("Name: message", exit code 1) and rethrows the
   * same error. A monitor that is down adds at most `deadline` ms (unless `strict`).
   */
  run<T>(jobId: string, fn: (context: RunContext) => T | Promise<T>, options?: RunOptions): Promise<T>;
  /** One ping for a health check: a complete run. Null when not delivered (unless `strict`). */
  heartbeat(jobId: string, options?: RunOptions): Promise<Run | null>;
  /** Records a start. Null when not delivered (unless `strict`). */
  start(jobId: string, options?: RunOptions): Promise<Run | null>;
  /** Records an end (exit code 0 by default). Null when not delivered (unless `strict`). */
  end(jobId: string, options?: EndOptions): Promise<Run | null>;
  /** Records a failed end (exit code 1 by default). Null when not delivered (unless `strict`). */
  fail(jobId: string, options?: FailOptions): Promise<Run | null>;

  jobs(): JobList;
  job(jobId: string): Promise<Job>;
  status(jobId: string): Promise<JobStatus>;
  runs(filters?: RunFilters): Paginated<Run>;
  alerts(filters?: AlertFilters): Paginated<Alert>;
}

