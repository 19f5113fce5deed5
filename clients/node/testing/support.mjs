// Test support: a real `cronicle serve` on a free port with its own database, a raw
// HTTP helper that does not go through the client, and a forwarding proxy that can
// answer chosen requests itself.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'cronicle-client';

const here = dirname(fileURLToPath(import.meta.url));
export const packageRoot = resolve(here, '..');
const repositoryRoot = resolve(packageRoot, '..', '..');
export const serverBinary = process.env.CRONICLE_BIN || join(repositoryRoot, '.build', 'debug', 'cronicle');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `cronicle serve --port 0` on a fresh database. The binary may be briefly
 * missing or unable to start while another build relinks it: wait 30 s and retry.
 */
export async function startServer({ apiToken, attempts = 4 } = {}) {
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await access(serverBinary);
      return await launch(apiToken);
    } catch (error) {
      lastError = error;
      if (attempt < attempts) {
        process.stderr.write(`# cronicle serve did not start (${error.message}); retrying in 30 s\n`);
        await sleep(30_000);
      }
    }
  }
  throw lastError;
}

async function launch(apiToken) {
  const dir = await mkdtemp(join(tmpdir(), 'cronicle-node-'));
  const db = join(dir, 'cronicle.db');
  const args = ['serve', '--port', '0', '--db', db];
  if (apiToken) args.push('--api-token', apiToken);
  const child = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 30 s:\n${log}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cronicle serve exited (${code ?? signal}) before listening:\n${log}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    /**
     * `cronicle keys create` on this server's database; resolves to the secret (`crk_...`).
     * The first key guards every route (DESIGN 13); the `apiToken` stays an admin key.
     */
    createKey(name, scope, { jobs } = {}) {
      const keyArgs = ['keys', 'create', name, '--scope', scope, '--db', db];
      if (jobs) keyArgs.push('--jobs', jobs);
      return new Promise((resolveKey, reject) => {
        execFile(serverBinary, keyArgs, { timeout: 60_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`cronicle ${keyArgs.join(' ')} failed: ${error.message}\n${stderr}`));
          else resolveKey(stdout.trim());
        });
      });
    },
    get log() {
      return log;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A request that bypasses the client: what the server really stored. */
export async function api(base, method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function createJob(base, job, token) {
  const answer = await api(base, 'POST', '/jobs', { schedule: '0 3 * * *', ...job }, token);
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`could not create job ${job.job_id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** Every run of a job as the server stored it, newest first. */
export async function storedRuns(base, jobId, token) {
  const answer = await api(base, 'GET', `/job_runs?job_id=${jobId}&per_page=500`, undefined, token);
  return answer.body.job_runs;
}

/**
 * A forwarding proxy in front of `target`. `intercept(req, count)` may answer a request
 * itself (return true); every request is logged as `METHOD path`.
 */
export async function startProxy(target, intercept = () => false) {
  const requests = [];
  const connections = { count: 0 };
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (intercept(req, res, requests.length)) {
      req.resume();
      return;
    }
    const upstream = new URL(target);
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.on('connection', () => connections.count++);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    get connections() {
      return connections.count;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

/** A port on which nothing listens: bound, read, released. */
export async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Installs a fetch that counts calls, for "no request was made" assertions. */
export function countFetches() {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = (...args) => {
    calls.push(String(args[0]));
    return original(...args);
  };
  return { calls, restore: () => (globalThis.fetch = original) };
}

/** A client of the monitor at `url` that collects its warnings instead of printing them. */
export function collectingClient(url, options = {}) {
  const warnings = [];
  const client = new Client({ url, logger: (message, details) => warnings.push({ message, ...details }), ...options });
  return { client, warnings };
}
