'use strict';
// The one source of the client. CommonJS so that `require` works on every Node from
// 18 on; `index.mjs` re-exports these same objects for `import`, so both entry points
// share one `CronicleError` class (`instanceof` holds whichever way it was loaded).

const os = require('node:os');
const { randomUUID } = require('node:crypto');

const VERSION = '0.1.0';
const LIBRARY = `cronicle-client/${VERSION}`;
// The address `cronicle serve` listens on by default. The client never falls back to it (a
// job pinging a monitor that is not there would go unmonitored without a word); exported so
// a job beside its monitor can pass it as `new Client({ url: DEFAULT_URL })`.
const DEFAULT_URL = 'http://127.0.0.1:8000';
const DEFAULT_TIMEOUT = 5000;
const DEFAULT_DEADLINE = 10000;
const DEFAULT_PER_PAGE = 100;
const MAX_PER_PAGE = 500;
const MAX_MESSAGE = 2000;
const BACKOFF_BASE = 100;
const BACKOFF_CAP = 2000;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * An API call that failed: the server's error code and message, or, with `status`
 * null, a request that got no answer (`connection_failed`, `timeout`).
 */
class CronicleError extends Error {
  constructor(message, { status = null, code = 'unknown', retryAfter = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CronicleError';
    /** HTTP status, or null when no answer arrived. */
    this.status = status;
    /** The server's error code (`not_found`, `invalid_request`, ...), or `connection_failed` / `timeout`. */
    this.code = code;
    /** Seconds the server asked to wait (`Retry-After`), or null. */
    this.retryAfter = retryAfter;
  }
}

function checkId(kind, value) {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new TypeError(
      `cronicle: invalid ${kind} ${JSON.stringify(value)}: expected 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    );
  }
  return value;
}

function checkDuration(name, value, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`cronicle: option ${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function parseBaseUrl(raw) {
  const text = raw instanceof URL ? raw.href : raw;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TypeError(`cronicle: url must be a non-empty string, got ${typeof raw === 'string' ? '""' : typeof raw}`);
  }
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    throw new TypeError(`cronicle: invalid url ${JSON.stringify(text)}: expected something like ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`cronicle: url ${JSON.stringify(text)} must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (!url.hostname) {
    throw new TypeError(`cronicle: url ${JSON.stringify(text)} has no host`);
  }
  if (url.username || url.password) {
    throw new TypeError('cronicle: url must not contain credentials: use the apiToken or pingKey option');
  }
  if (url.search || url.hash) {
    throw new TypeError(`cronicle: url ${JSON.stringify(text)} must not have a query or fragment`);
  }
  // Keep a path prefix (a monitor behind a reverse proxy at /cronicle), without the trailing slash.
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** "Name: message" of what a job threw, cut to MAX_MESSAGE characters. */
function describeError(error) {
  let text;
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const name = error.name || (error.constructor && error.constructor.name) || 'Error';
    text = error.message ? `${name}: ${error.message}` : String(name);
  } else {
    text = `thrown: ${String(error)}`;
  }
  return truncate(text);
}

function truncate(text) {
  if (text.length <= MAX_MESSAGE) return text;
  let cut = text.slice(0, MAX_MESSAGE - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1); // never split a surrogate pair
  return cut + '…';
}

function parseRetryAfter(value) {
  if (value === null || value === undefined || value === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, (date - Date.now()) / 1000);
}

function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toQueryValue(value) {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const warnedKinds = new Set();

/** The default logger: one process warning per kind of failure, then silence. */
const defaultLogger = {
  warn(message, details) {
    const kind = details && details.kind;
    if (warnedKinds.has(kind)) return;
    warnedKinds.add(kind);
    if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
      process.emitWarning(message, { type: 'CronicleWarning', code: `CRONICLE_${String(kind).toUpperCase()}` });
    } else {
      console.warn(message);
    }
  },
};

function normaliseLogger(logger) {
  if (logger === undefined) return defaultLogger;
  if (logger === null || logger === false) return { warn() {} };
  if (typeof logger === 'function') return { warn: logger };
  if (typeof logger.warn === 'function') return { warn: (message, details) => logger.warn(message, details) };
  throw new TypeError('cronicle: logger must be a function, an object with a warn method, or null');
}

const FILTERS = {
  runs: { jobId: 'job_id', status: 'status', since: 'since', until: 'until' },
  alerts: { jobId: 'job_id', type: 'type', acknowledged: 'acknowledged', resolved: 'resolved' },
};

/**
 * A lazily paginated list: iterate it with `for await`, or collect it with `toArray()`.
 * Nothing is requested before iteration begins; each page is fetched when needed.
 */
class Paginated {
  #fetchPage;
  #key;
  #idField;
  #perPage;

  constructor(fetchPage, key, idField, perPage) {
    this.#fetchPage = fetchPage;
    this.#key = key;
    this.#idField = idField;
    this.#perPage = perPage;
  }

  /** Each page as the server sent it: `{[key]: [...], page, per_page, total}`. */
  async *pages() {
    for (let page = 1; ; page++) {
      const body = await this.#fetchPage(page, this.#perPage);
      const items = Array.isArray(body[this.#key]) ? body[this.#key] : [];
      yield body;
      const total = typeof body.total === 'number' ? body.total : Infinity;
      if (items.length < this.#perPage || page * this.#perPage >= total) return;
    }
  }

  async *[Symbol.asyncIterator]() {
    // Newest first: rows recorded during the iteration push older ones onto the next
    // page, so an item may come back twice; skip those.
    const seen = new Set();
    for await (const body of this.pages()) {
      for (const item of body[this.#key] || []) {
        const id = item && item[this.#idField];
        if (id !== undefined && id !== null) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield item;
      }
    }
  }

  /** Every item (at most `limit`), fetched page by page. */
  async toArray(limit = Infinity) {
    const items = [];
    if (limit <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}

/**
 * A client of a Cronicle monitor.
 *
 * The monitor's URL comes from the `url` option, else `CRONICLE_URL`; with neither (or an
 * empty `CRONICLE_URL`) the constructor throws a TypeError: there is no default monitor.
 *
 * Runs (start, end, fail, heartbeat) are sent with the ping key, else the API token;
 * reads with the API token, else the ping key: so a `read` or `sync` token beside a
 * `ping` key records runs and reads alike (DESIGN 13).
 *
 * ```js
 * const client = new Client(); // CRONICLE_URL (required), CRONICLE_API_TOKEN / CRONICLE_PING_KEY
 * await client.run("nightly_backup", async () => doBackup());
 * ```
 */
class Client {
  #baseUrl;
  #runAuthorization;
  #readAuthorization;
  #timeout;
  #deadline;
  #strict;
  #logger;
  #clientInfo;
  #userAgent;

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('cronicle: Client options must be an object');
    }
    const env = (typeof process !== 'undefined' && process.env) || {};
    const url = options.url ?? (env.CRONICLE_URL || null);
    if (url === null) {
      throw new TypeError('cronicle: no monitor URL: pass new Client({ url: "http://monitor:8000" }) or set CRONICLE_URL');
    }
    this.#baseUrl = parseBaseUrl(url);
    const token = options.apiToken || env.CRONICLE_API_TOKEN || null;
    const pingKey = options.pingKey || env.CRONICLE_PING_KEY || null;
    for (const key of [token, pingKey]) {
      if (key !== null && (typeof key !== 'string' || /[\r\n]/.test(key))) {
        throw new TypeError('cronicle: apiToken and pingKey must be strings without line breaks');
      }
    }
    // One key cannot serve both when scopes differ: a ping key may not read, and a read
    // or sync token may not record runs (the server answers 403 forbidden).
    const runKey = pingKey || token;
    const readKey = token || pingKey;
    this.#runAuthorization = runKey ? `Bearer ${runKey}` : null;
    this.#readAuthorization = readKey ? `Bearer ${readKey}` : null;
    this.#timeout = checkDuration('timeout', options.timeout, DEFAULT_TIMEOUT);
    this.#deadline = checkDuration('deadline', options.deadline, DEFAULT_DEADLINE);
    this.#strict = Boolean(options.strict);
    this.#logger = normaliseLogger(options.logger);
    if (options.clientInfo !== undefined && (options.clientInfo === null || typeof options.clientInfo !== 'object')) {
      throw new TypeError('cronicle: clientInfo must be an object');
    }
    this.#clientInfo = {
      hostname: os.hostname(),
      os: `${process.platform} ${os.release()}`,
      runtime: `node ${process.version}`,
      pid: process.pid,
      library: LIBRARY,
      ...(options.clientInfo || {}),
    };
    this.#userAgent = `${LIBRARY} (node ${process.version})`;
  }

  /** The monitor's base URL, without a trailing slash. */
  get url() {
    return this.#baseUrl;
  }

  /**
   * Runs `fn` as one run of `jobId`: records a start, then an end with exit code 0 and
   * returns what `fn` returned; when `fn` throws, records a failed end with exit code 1
   * and "Name: message", then rethrows the very same error.
   */
  async run(jobId, fn, options = {}) {
    checkId('job id', jobId);
    if (typeof fn !== 'function') throw new TypeError('cronicle: run(jobId, fn) needs a function');
    const runId = options.runId === undefined ? randomUUID() : checkId('run id', options.runId);
    const clientInfo = this.#mergeClientInfo(options.clientInfo);
    const startedAt = Date.now();

    let startRecorded = false;
    let unreachable;
    const monitorUnreachable = new Promise((resolve) => (unreachable = resolve));
    const onAttemptFailed = (error) => {
      if (error.status === null) unreachable();
    };
    const start = this.#ping('start', jobId, { run_id: runId, client_info: clientInfo }, this.#deadline, onAttemptFailed).then(
      (result) => {
        if (result.ok) startRecorded = true;
        else if (!this.#strict) this.#warnPing('start', jobId, result.error);
        return result;
      },
    );

    if (this.#strict) {
      const result = await start;
      if (!result.ok) throw result.error;
    } else {
      // Wait for the start to be recorded, so the run has its start time, while the
      // monitor answers (a 503 or 429 asks for a short wait), for at most `timeout` and
      // half the deadline. A monitor that cannot be reached does not hold the job back:
      // the start keeps retrying beside it, and the end carries the client info.
      await raceWithTimer([start, monitorUnreachable], Math.min(this.#timeout, this.#deadline / 2));
    }
    const waited = Date.now() - startedAt;
    const endBudget = this.#strict ? this.#deadline : Math.max(this.#deadline - waited, 1);

    const context = { jobId, runId };
    let value;
    try {
      value = await fn(context);
    } catch (error) {
      const body = { run_id: runId, exit_code: 1, message: describeError(error) };
      if (!startRecorded) body.client_info = clientInfo;
      const result = await this.#ping('fail', jobId, body, endBudget);
      await start;
      if (!result.ok) this.#warnPing('fail', jobId, result.error);
      throw error;
    }
    const body = { run_id: runId, exit_code: 0 };
    if (!startRecorded) body.client_info = clientInfo;
    const result = await this.#ping('end', jobId, body, endBudget);
    await start;
    if (!result.ok) {
      if (this.#strict) throw result.error;
      this.#warnPing('end', jobId, result.error);
    }
    return value;
  }

  /**
   * One ping for a health check (or any job): an end without a start, a complete run.
   * Returns the recorded run, or null when the monitor could not be reached (unless strict).
   */
  async heartbeat(jobId, options = {}) {
    checkId('job id', jobId);
    // A run id makes retries safe: the server records an end for the same run once.
    const runId = options.runId === undefined ? randomUUID() : checkId('run id', options.runId);
    const body = { run_id: runId, client_info: this.#mergeClientInfo(options.clientInfo) };
    return this.#manualPing('heartbeat', 'end', jobId, body);
  }

  /** Records a start. Returns the run, or null when it could not be recorded (unless strict). */
  async start(jobId, options = {}) {
    checkId('job id', jobId);
    const runId = options.runId === undefined ? randomUUID() : checkId('run id', options.runId);
    return this.#manualPing('start', 'start', jobId, { run_id: runId, client_info: this.#mergeClientInfo(options.clientInfo) });
  }

  /**
   * Records an end (exit code 0 unless `exitCode` says otherwise). Without `runId` it
   * closes the job's oldest open run, or records a run of its own.
   */
  async end(jobId, options = {}) {
    checkId('job id', jobId);
    const body = {};
    if (options.runId !== undefined) body.run_id = checkId('run id', options.runId);
    body.exit_code = checkExitCode(options.exitCode ?? 0);
    if (options.message !== undefined && options.message !== null) body.message = truncate(String(options.message));
    return this.#manualPing('end', 'end', jobId, body);
  }

  /** Records a failed end: exit code 1 unless given, message from `message` or `error`. */
  async fail(jobId, options = {}) {
    checkId('job id', jobId);
    const body = {};
    if (options.runId !== undefined) body.run_id = checkId('run id', options.runId);
    body.exit_code = checkExitCode(options.exitCode ?? 1);
    if (options.message !== undefined && options.message !== null) body.message = truncate(String(options.message));
    else if (options.error !== undefined) body.message = describeError(options.error);
    return this.#manualPing('fail', 'fail', jobId, body);
  }

  /** Every job configuration (`GET /jobs`), as an async iterable. */
  jobs() {
    const client = this;
    return {
      async *[Symbol.asyncIterator]() {
        const body = await client.#request('GET', '/jobs');
        yield* body.jobs || [];
      },
      async toArray() {
        const body = await client.#request('GET', '/jobs');
        return body.jobs || [];
      },
    };
  }

  /** One job (`GET /jobs/{id}`); CronicleError `not_found` when it does not exist. */
  async job(jobId) {
    checkId('job id', jobId);
    return this.#request('GET', `/jobs/${jobId}`);
  }

  /** A job's derived status (`GET /jobs/{id}/status`). */
  async status(jobId) {
    checkId('job id', jobId);
    return this.#request('GET', `/jobs/${jobId}/status`);
  }

  /** Runs, newest first, fetched page by page: filters `jobId`, `status`, `since`, `until`, `perPage`. */
  runs(filters = {}) {
    return this.#paginated('/job_runs', 'job_runs', 'run_id', FILTERS.runs, filters);
  }

  /** Alerts, newest first, page by page: filters `jobId`, `type`, `acknowledged`, `resolved`, `perPage`. */
  alerts(filters = {}) {
    return this.#paginated('/alerts', 'alerts', 'id', FILTERS.alerts, filters);
  }

  #paginated(path, key, idField, allowed, filters) {
    if (filters === null || typeof filters !== 'object') throw new TypeError('cronicle: filters must be an object');
    const query = {};
    for (const [name, value] of Object.entries(filters)) {
      if (name === 'perPage' || value === undefined || value === null) continue;
      if (!(name in allowed)) {
        throw new TypeError(`cronicle: unknown filter ${JSON.stringify(name)}; expected ${[...Object.keys(allowed), 'perPage'].join(', ')}`);
      }
      if (name === 'jobId') checkId('job id', value);
      query[allowed[name]] = toQueryValue(value);
    }
    const perPage = filters.perPage ?? DEFAULT_PER_PAGE;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
      throw new RangeError(`cronicle: perPage must be a whole number from 1 to ${MAX_PER_PAGE}`);
    }
    const fetchPage = (page, size) => {
      const params = new URLSearchParams({ ...query, page: String(page), per_page: String(size) });
      return this.#request('GET', `${path}?${params}`);
    };
    return new Paginated(fetchPage, key, idField, perPage);
  }

  #mergeClientInfo(extra) {
    if (extra === undefined || extra === null) return { ...this.#clientInfo };
    if (typeof extra !== 'object') throw new TypeError('cronicle: clientInfo must be an object');
    return { ...this.#clientInfo, ...extra };
  }

  async #manualPing(what, route, jobId, body) {
    const result = await this.#ping(route, jobId, body, this.#deadline);
    if (result.ok) return result.value;
    if (this.#strict) throw result.error;
    this.#warnPing(what, jobId, result.error);
    return null;
  }

  /** A ping that never rejects: `{ok: true, value}` or `{ok: false, error}`. */
  async #ping(route, jobId, body, deadline, onAttemptFailed) {
    try {
      const value = await this.#request('POST', `/jobs/${jobId}/${route}`, {
        body,
        deadline,
        onAttemptFailed,
        authorization: this.#runAuthorization,
      });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error };
    }
  }

  #warnPing(what, jobId, error) {
    const kind = error instanceof CronicleError ? error.code : 'unexpected';
    const message =
      `cronicle: could not record the ${what} of job '${jobId}' at ${this.#baseUrl} ` +
      `(${kind}: ${error && error.message}); the job is not affected`;
    try {
      this.#logger.warn(message, { kind, what, jobId, error });
    } catch {
      // A logger that throws must not fail the job either.
    }
  }

  /**
   * One API call, retried with exponential backoff and full jitter on connection errors,
   * 408, 429 and 5xx (waiting what Retry-After asks) until `deadline` ms have passed.
   * Sent with the read credential unless `authorization` says otherwise.
   */
  async #request(method, path, { body, deadline = this.#deadline, onAttemptFailed, authorization = this.#readAuthorization } = {}) {
    const url = this.#baseUrl + path;
    const headers = { Accept: 'application/json', 'User-Agent': this.#userAgent };
    if (authorization) headers.Authorization = authorization;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const giveUpAt = Date.now() + deadline;
    for (let attempt = 0; ; attempt++) {
      let error;
      let retryAfter = null;
      const remaining = giveUpAt - Date.now();
      try {
        const response = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.#timeout, remaining))),
        });
        const text = await response.text(); // read it all, so the connection is reused
        if (response.ok) {
          return text === '' ? null : JSON.parse(text);
        }
        retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        error = errorFromResponse(response.status, text, retryAfter);
        if (!isRetryableStatus(response.status)) throw error;
      } catch (caught) {
        if (caught === error) throw error;
        if (caught instanceof SyntaxError) {
          throw new CronicleError(`cronicle: the server's answer is not JSON: ${caught.message}`, { code: 'invalid_response', cause: caught });
        }
        error = connectionError(caught, url);
      }
      if (onAttemptFailed) onAttemptFailed(error);
      const wait = retryAfter !== null ? retryAfter * 1000 : Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt);
      if (Date.now() + wait >= giveUpAt) throw error;
      await sleep(wait);
    }
  }
}

function checkExitCode(code) {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new RangeError(`cronicle: exitCode must be a whole number from 0 to 255, got ${String(code)}`);
  }
  return code;
}

function errorFromResponse(status, text, retryAfter) {
  let code = `http_${status}`;
  let message = text.slice(0, 500) || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text);
    if (parsed && parsed.error && typeof parsed.error === 'object') {
      if (typeof parsed.error.code === 'string') code = parsed.error.code;
      if (typeof parsed.error.message === 'string') message = parsed.error.message;
    }
  } catch {
    // Not the JSON envelope (a proxy's page): keep the status as the code.
  }
  return new CronicleError(message, { status, code, retryAfter });
}

function connectionError(caught, url) {
  if (caught && (caught.name === 'TimeoutError' || caught.name === 'AbortError')) {
    return new CronicleError(`cronicle: no answer from ${url} in time`, { code: 'timeout', cause: caught });
  }
  const reason = (caught && caught.cause && (caught.cause.code || caught.cause.message)) || (caught && caught.message) || String(caught);
  return new CronicleError(`cronicle: could not reach ${url}: ${reason}`, { code: 'connection_failed', cause: caught });
}

/** Resolves when any of `promises` does or after `ms`, leaving no timer behind. */
function raceWithTimer(promises, ms) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([...promises, timeout]).finally(() => clearTimeout(timer));
}

module.exports = { Client, CronicleError, Paginated, VERSION, DEFAULT_URL };
