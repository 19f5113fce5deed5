// The ES module entry point against a real `cronicle serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostname, release } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, CronicleError, VERSION } from 'cronicle-client';
import { startServer, api, createJob, storedRuns, startProxy, closedPort, countFetches, packageRoot, collectingClient } from '../testing/support.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** A client of the test server that collects its warnings instead of printing them. */
const quietClient = (options = {}) => collectingClient(server.url, options);

const baseClientInfo = () => ({
  hostname: hostname(),
  os: `${process.platform} ${release()}`,
  runtime: `node ${process.version}`,
  pid: process.pid,
  library: `cronicle-client/${VERSION}`,
});

test('run records a start and a successful end, and returns what the job returned', async () => {
  await createJob(server.url, { job_id: 'esm_ok' });
  const { client, warnings } = quietClient();
  let seen;
  const value = await client.run('esm_ok', async (context) => {
    seen = context;
    const [running] = await storedRuns(server.url, 'esm_ok');
    assert.equal(running.status, 'running', 'the start is recorded before the job runs');
    return { rows: 42 };
  });
  assert.deepEqual(value, { rows: 42 });
  const runs = await storedRuns(server.url, 'esm_ok');
  assert.equal(runs.length, 1);
  assert.equal(runs[0].run_id, seen.runId);
  assert.equal(seen.jobId, 'esm_ok');
  assert.equal(runs[0].status, 'succeeded');
  assert.equal(runs[0].exit_code, 0);
  assert.ok(runs[0].start_time && runs[0].end_time, 'one run with both a start and an end');
  assert.match(runs[0].user_agent, /^cronicle-client\/0\.1\.0 /);
  assert.deepEqual(warnings, []);
});

test('run passes the job\'s own error through unchanged and records a failed end with "Name: message"', async () => {
  await createJob(server.url, { job_id: 'esm_fail' });
  class QuotaError extends Error {
    name = 'QuotaError';
  }
  const thrown = new QuotaError('disk full');
  thrown.extra = { bytes: 1 };
  const { client } = quietClient();
  await assert.rejects(
    client.run('esm_fail', async () => {
      throw thrown;
    }),
    (error) => {
      assert.strictEqual(error, thrown, 'the very same object');
      assert.equal(error.stack, thrown.stack);
      return true;
    },
  );
  const [run] = await storedRuns(server.url, 'esm_fail');
  assert.equal(run.status, 'failed');
  assert.equal(run.exit_code, 1);
  assert.equal(run.message, 'QuotaError: disk full');
  assert.ok(run.start_time, 'the failed end closed the started run');

  // Something that is not an Error is rethrown as is too.
  const notAnError = { reason: 'odd' };
  await assert.rejects(client.run('esm_fail', () => Promise.reject(notAnError)), (error) => error === notAnError);
  // A synchronous throw inside a plain function as well.
  const syncError = new RangeError('bad');
  await assert.rejects(
    client.run('esm_fail', () => {
      throw syncError;
    }),
    (error) => error === syncError,
  );
  const runs = await storedRuns(server.url, 'esm_fail');
  assert.equal(runs.length, 3);
  assert.equal(runs[0].message, 'RangeError: bad');
});

test('long failure messages are cut to about 2,000 characters', async () => {
  await createJob(server.url, { job_id: 'esm_long' });
  const { client } = quietClient();
  await assert.rejects(client.run('esm_long', () => Promise.reject(new Error('x'.repeat(5000)))));
  const [run] = await storedRuns(server.url, 'esm_long');
  assert.equal(run.message.length, 2000);
  assert.ok(run.message.startsWith('Error: xxx'));
});

test('client_info is stored exactly as sent: hostname, os, runtime, pid, library and the caller\'s fields', async () => {
  await createJob(server.url, { job_id: 'esm_info' });
  const { client } = quietClient({ clientInfo: { team: 'data' } });
  await client.run('esm_info', async () => {}, { clientInfo: { metadata: { batch_size: 1000, source: 'prod_db' } } });
  const [run] = await storedRuns(server.url, 'esm_info');
  assert.deepEqual(run.client_info, {
    ...baseClientInfo(),
    team: 'data',
    metadata: { batch_size: 1000, source: 'prod_db' },
  });
  assert.equal(run.client_info.runtime, `node ${process.version}`);
});

test('manual start, end and fail share a run id; an end without one closes the oldest open run', async () => {
  await createJob(server.url, { job_id: 'esm_manual' });
  const { client } = quietClient();
  const started = await client.start('esm_manual', { runId: 'manual-1', clientInfo: { step: 1 } });
  assert.equal(started.run_id, 'manual-1');
  assert.equal(started.status, 'running');
  assert.equal(started.client_info.step, 1);
  const again = await client.start('esm_manual', { runId: 'manual-1' });
  assert.equal(again.start_time, started.start_time, 'a repeated start is the same run');
  const ended = await client.end('esm_manual', { runId: 'manual-1' });
  assert.equal(ended.status, 'succeeded');
  assert.equal(ended.exit_code, 0);

  await client.start('esm_manual', { runId: 'manual-2' });
  const failed = await client.fail('esm_manual', { runId: 'manual-2', error: new TypeError('no input') });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.exit_code, 1);
  assert.equal(failed.message, 'TypeError: no input');

  const generated = await client.start('esm_manual');
  assert.match(generated.run_id, /^[0-9a-f-]{36}$/, 'a UUID when none is given');
  const closed = await client.end('esm_manual', { exitCode: 3, message: 'partial' });
  assert.equal(closed.run_id, generated.run_id);
  assert.equal(closed.status, 'failed', 'a non-zero exit code fails the run');
  assert.equal(closed.message, 'partial');

  const runs = await storedRuns(server.url, 'esm_manual');
  assert.equal(runs.length, 3);
});

test('a heartbeat records one complete run of a health check, and a repeated one is not counted twice', async () => {
  await createJob(server.url, { job_id: 'hb', schedule: '* * * * *', is_health_check: true });
  const { client, warnings } = quietClient();
  const run = await client.heartbeat('hb', { clientInfo: { probe: 'api' } });
  assert.deepEqual(warnings, [], warnings.map((w) => w.message).join('\n'));
  assert.ok(run, 'the server answered with the run');
  assert.equal(run.status, 'succeeded');
  await client.heartbeat('hb', { runId: run.run_id });
  const runs = await storedRuns(server.url, 'hb');
  assert.equal(runs.length, 1, 'a retried heartbeat (same run id) is one run');
  assert.deepEqual(runs[0].client_info, { ...baseClientInfo(), probe: 'api' });
  const status = await client.status('hb');
  assert.equal(status.status, 'ok');
  assert.equal(status.last_run.run_id, run.run_id);
});

test('runs() iterates 250 runs lazily over several pages, in the server\'s order', async () => {
  await createJob(server.url, { job_id: 'esm_pages' });
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => api(server.url, 'POST', '/jobs/esm_pages/end', { run_id: `page-${batch * 25 + i}` })),
    );
  }
  const proxy = await startProxy(server.url);
  try {
    const client = new Client({ url: proxy.url, logger: null });
    const list = client.runs({ jobId: 'esm_pages' });
    assert.equal(proxy.requests.length, 0, 'nothing is fetched before iterating');
    const ids = [];
    for await (const run of list) {
      assert.equal(run.job_id, 'esm_pages');
      ids.push(run.run_id);
    }
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250);
    // In the server's order (newest first), as one big page has it.
    assert.deepEqual(ids, (await storedRuns(server.url, 'esm_pages')).map((run) => run.run_id));
    const pages = proxy.requests.filter((r) => r.startsWith('GET /job_runs'));
    assert.deepEqual(pages, [
      'GET /job_runs?job_id=esm_pages&page=1&per_page=100',
      'GET /job_runs?job_id=esm_pages&page=2&per_page=100',
      'GET /job_runs?job_id=esm_pages&page=3&per_page=100',
    ]);

    proxy.requests.length = 0;
    const firstFew = await client.runs({ jobId: 'esm_pages', perPage: 7 }).toArray(10);
    assert.equal(firstFew.length, 10);
    assert.equal(proxy.requests.length, 2, 'stopping early fetches no more pages');

    const failed = await client.runs({ jobId: 'esm_pages', status: 'failed' }).toArray();
    assert.deepEqual(failed, []);
  } finally {
    await proxy.close();
  }
});

test('reads: jobs(), job(), status() and alerts()', async () => {
  await createJob(server.url, { job_id: 'esm_reads', description: 'read me' });
  const { client } = quietClient();
  const ids = [];
  for await (const job of client.jobs()) ids.push(job.job_id);
  assert.ok(ids.includes('esm_reads'));
  assert.equal((await client.jobs().toArray()).length, ids.length);
  const job = await client.job('esm_reads');
  assert.equal(job.description, 'read me');
  const status = await client.status('esm_reads');
  assert.equal(status.job_id, 'esm_reads');
  assert.equal(status.status, 'new');

  await client.fail('esm_reads', { message: 'boom' });
  const alerts = await client.alerts({ jobId: 'esm_reads', resolved: false }).toArray();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].type, 'failed');
  assert.deepEqual(await client.alerts({ jobId: 'esm_reads', resolved: true }).toArray(), []);
});

test('an API error is a CronicleError with the server\'s status, code and message', async () => {
  const { client } = quietClient();
  await assert.rejects(client.job('no_such_job'), (error) => {
    assert.ok(error instanceof CronicleError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'CronicleError');
    assert.equal(error.status, 404);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, "job 'no_such_job' does not exist");
    return true;
  });
  await assert.rejects(client.status('no_such_job'), { code: 'not_found', status: 404 });
  await assert.rejects(client.runs({ since: 'yesterday' }).toArray(), { code: 'invalid_request', status: 400 });

  // Strict: a ping the server refuses throws, and the job does not run unmonitored.
  const strict = new Client({ url: server.url, strict: true, logger: null });
  let ran = false;
  await assert.rejects(
    strict.run('no_such_job', () => (ran = true)),
    (error) => error instanceof CronicleError && error.code === 'not_found',
  );
  assert.equal(ran, false);
  await assert.rejects(strict.heartbeat('no_such_job'), { code: 'not_found' });

  // Not strict: the job runs anyway, and the refusal becomes a warning.
  const { client: lenient, warnings } = quietClient();
  assert.equal(await lenient.run('no_such_job', () => 'still ran'), 'still ran');
  assert.deepEqual(
    warnings.map((w) => [w.what, w.kind]),
    [
      ['start', 'not_found'],
      ['end', 'not_found'],
    ],
  );
  assert.match(warnings[0].message, /could not record the start of job 'no_such_job'/);
});

test('bad input throws before any request', async () => {
  const fetches = countFetches();
  try {
    const { client } = quietClient();
    let ran = false;
    for (const jobId of ['', 'has space', '-leading', 'a/b', 'x'.repeat(129), 'é', undefined, 42]) {
      await assert.rejects(client.run(jobId, () => (ran = true)), TypeError, `job id ${JSON.stringify(jobId)}`);
    }
    assert.equal(ran, false);
    await assert.rejects(client.heartbeat('a b'), TypeError);
    await assert.rejects(client.start('ok', { runId: '../x' }), TypeError);
    await assert.rejects(client.end('ok', { exitCode: 1.5 }), RangeError);
    await assert.rejects(client.job('../jobs'), TypeError);
    assert.throws(() => client.runs({ job_id: 'x' }), /unknown filter "job_id"/);
    assert.throws(() => client.runs({ perPage: 501 }), RangeError);

    assert.throws(() => new Client({ url: 'ftp://example.com' }), { name: 'TypeError', message: /must use http or https, not ftp/ });
    assert.throws(() => new Client({ url: 'localhost:8000' }), TypeError);
    assert.throws(() => new Client({ url: 'not a url' }), { name: 'TypeError', message: /invalid url/ });
    assert.throws(() => new Client({ url: 'http://' }), TypeError);
    assert.throws(() => new Client({ url: 'file:///tmp/x' }), TypeError);
    assert.throws(() => new Client({ url: 'http://user:secret@localhost' }), /credentials/);
    assert.throws(() => new Client({ url: server.url, deadline: -1 }), RangeError);
    assert.throws(() => new Client({ url: server.url, timeout: 'fast' }), RangeError);
    assert.throws(() => new Client({ url: server.url, logger: 5 }), TypeError);
    assert.deepEqual(fetches.calls, []);
  } finally {
    fetches.restore();
  }
});

test('without the url option or CRONICLE_URL the client refuses and says what to write', () => {
  // A job that silently pinged 127.0.0.1:8000 would go unmonitored without a word.
  const saved = process.env.CRONICLE_URL;
  const missing = (error) =>
    error instanceof TypeError &&
    error.message === 'cronicle: no monitor URL: pass new Client({ url: "http://monitor:8000" }) or set CRONICLE_URL';
  try {
    delete process.env.CRONICLE_URL;
    assert.throws(() => new Client(), missing);
    assert.throws(() => new Client({ logger: null }), missing);
    process.env.CRONICLE_URL = '';
    assert.throws(() => new Client(), missing);
    assert.equal(new Client({ url: 'http://monitor:8000' }).url, 'http://monitor:8000');
    process.env.CRONICLE_URL = 'http://monitor:8000';
    assert.equal(new Client().url, 'http://monitor:8000');
  } finally {
    if (saved === undefined) delete process.env.CRONICLE_URL;
    else process.env.CRONICLE_URL = saved;
  }
});

test('the URL and the key come from options, then CRONICLE_URL and CRONICLE_API_TOKEN / CRONICLE_PING_KEY', async () => {
  const names = ['CRONICLE_URL', 'CRONICLE_API_TOKEN', 'CRONICLE_PING_KEY'];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  const seen = [];
  const proxy = await startProxy(server.url, (req) => {
    seen.push(req.headers.authorization);
    return false;
  });
  try {
    delete process.env.CRONICLE_URL;
    delete process.env.CRONICLE_API_TOKEN;
    delete process.env.CRONICLE_PING_KEY;
    assert.equal(new Client({ url: 'https://mon.example.com/cronicle/' }).url, 'https://mon.example.com/cronicle');

    process.env.CRONICLE_URL = proxy.url;
    await createJob(server.url, { job_id: 'auth_header' });
    // What a read, a start and an end sent.
    const sent = async (options) => {
      seen.length = 0;
      const client = new Client({ logger: null, ...options });
      await client.job('auth_header');
      await client.run('auth_header', () => {});
      return seen.slice();
    };
    const everywhere = (value) => [value, value, value];
    process.env.CRONICLE_PING_KEY = 'ping-key-0123456789';
    assert.deepEqual(await sent(), everywhere('Bearer ping-key-0123456789'));
    // Both: reads with the token, runs with the ping key.
    process.env.CRONICLE_API_TOKEN = 'token-from-env';
    assert.deepEqual(await sent(), ['Bearer token-from-env', 'Bearer ping-key-0123456789', 'Bearer ping-key-0123456789']);
    assert.deepEqual(await sent({ apiToken: 'token-option' }), ['Bearer token-option', 'Bearer ping-key-0123456789', 'Bearer ping-key-0123456789']);
    assert.deepEqual(await sent({ pingKey: 'ping-option' }), ['Bearer token-from-env', 'Bearer ping-option', 'Bearer ping-option']);
    delete process.env.CRONICLE_PING_KEY;
    assert.deepEqual(await sent(), everywhere('Bearer token-from-env'));
    delete process.env.CRONICLE_API_TOKEN;
    assert.deepEqual(await sent(), everywhere(undefined));
    assert.deepEqual(await sent({ pingKey: 'ping-option' }), everywhere('Bearer ping-option'));
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await proxy.close();
  }
});

test('runs and reads work against a server that has an API token', async () => {
  const guarded = await startServer({ apiToken: 'sesame-token' });
  try {
    const without = new Client({ url: guarded.url, logger: null });
    const refused = await api(guarded.url, 'POST', '/jobs', { job_id: 'guarded', schedule: '0 3 * * *' });
    assert.equal(refused.status, 401);
    await createJob(guarded.url, { job_id: 'guarded' }, 'sesame-token');
    const withToken = new Client({ url: guarded.url, apiToken: 'sesame-token', logger: null });
    assert.equal(await withToken.run('guarded', () => 7), 7);
    assert.equal((await withToken.job('guarded')).job_id, 'guarded');
    assert.equal((await without.job('guarded')).job_id, 'guarded', 'reads need no token');
    const [run] = await storedRuns(guarded.url, 'guarded');
    assert.equal(run.status, 'succeeded');
  } finally {
    await guarded.stop();
  }
});

test('a monitor that is down neither fails nor delays the job beyond the deadline', async () => {
  const port = await closedPort();
  const { client, warnings } = quietClient({ url: `http://127.0.0.1:${port}`, deadline: 1000 });
  let ran = false;
  let jobBegan;
  const began = performance.now();
  const value = await client.run('nightly_backup', async () => {
    ran = true;
    jobBegan = performance.now() - began;
    return 'backup done';
  });
  const elapsed = performance.now() - began;
  assert.equal(value, 'backup done');
  assert.ok(ran);
  assert.ok(jobBegan < 300, `the job began ${jobBegan.toFixed(0)} ms after run() was called`);
  assert.ok(elapsed < 1300, `returned after ${elapsed.toFixed(0)} ms with a 1000 ms deadline`);
  assert.deepEqual(warnings.map((w) => [w.what, w.kind]).sort(), [
    ['end', 'connection_failed'],
    ['start', 'connection_failed'],
  ]);

  // The job's own error still comes through unchanged.
  const thrown = new Error('job broke');
  await assert.rejects(client.run('nightly_backup', () => Promise.reject(thrown)), (error) => error === thrown);

  // A heartbeat gives up quietly too.
  const heartbeatBegan = performance.now();
  assert.equal(await client.heartbeat('hb'), null);
  assert.ok(performance.now() - heartbeatBegan < 1500);

  // Strict: the failure is thrown, and the job does not run.
  const strict = new Client({ url: `http://127.0.0.1:${port}`, deadline: 500, strict: true, logger: null });
  ran = false;
  await assert.rejects(
    strict.run('nightly_backup', () => (ran = true)),
    (error) => error instanceof CronicleError && error.code === 'connection_failed' && error.status === null,
  );
  assert.equal(ran, false);
});

test('the default logger warns once per kind of failure, through process.emitWarning', async () => {
  const port = await closedPort();
  const emitted = [];
  const original = process.emitWarning;
  process.emitWarning = (message, options) => emitted.push({ message, options });
  try {
    const client = new Client({ url: `http://127.0.0.1:${port}`, deadline: 200 });
    await client.heartbeat('one');
    await client.heartbeat('two');
    await client.end('three');
  } finally {
    process.emitWarning = original;
  }
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0].options.type, 'CronicleWarning');
  assert.match(emitted[0].message, /could not record the heartbeat of job 'one'/);
});

test('a 503 is retried after its Retry-After, and the run is recorded once', async () => {
  await createJob(server.url, { job_id: 'esm_retry' });
  let refused = 0;
  const proxy = await startProxy(server.url, (req, res, count) => {
    if (count !== 1) return false;
    refused++;
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ error: { code: 'storage_unavailable', message: 'disk is read-only' } }));
    return true;
  });
  try {
    const { client, warnings } = quietClient({ url: proxy.url });
    const began = performance.now();
    assert.equal(await client.run('esm_retry', async () => 'ok'), 'ok');
    const elapsed = performance.now() - began;
    assert.equal(refused, 1);
    assert.ok(elapsed >= 950, `Retry-After: 1 honoured (${elapsed.toFixed(0)} ms)`);
    assert.deepEqual(warnings, [], warnings.map((w) => w.message).join('\n'));
    assert.deepEqual(
      proxy.requests,
      ['POST /jobs/esm_retry/start', 'POST /jobs/esm_retry/start', 'POST /jobs/esm_retry/end'],
      'the refused start was sent again, and the job waited for it',
    );
    const runs = await storedRuns(server.url, 'esm_retry');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'succeeded');
    assert.ok(runs[0].start_time, 'the start was recorded before the end');
    assert.equal(runs[0].client_info.library, `cronicle-client/${VERSION}`);
  } finally {
    await proxy.close();
  }
});

test('when the start cannot get through, the job runs at once and the end carries the client info', async () => {
  await createJob(server.url, { job_id: 'esm_lost_start' });
  const proxy = await startProxy(server.url, (req) => {
    if (!req.url.endsWith('/start')) return false;
    req.socket.destroy(); // as if the connection broke
    return true;
  });
  try {
    const { client, warnings } = quietClient({ url: proxy.url, deadline: 1000 });
    const began = performance.now();
    let jobBegan;
    const value = await client.run('esm_lost_start', () => {
      jobBegan = performance.now() - began;
      return 'done';
    }, { clientInfo: { shard: 3 } });
    assert.equal(value, 'done');
    assert.ok(jobBegan < 300, `the job began after ${jobBegan.toFixed(0)} ms`);
    assert.ok(proxy.requests.filter((r) => r.endsWith('/start')).length >= 2, 'the start was retried');
    assert.deepEqual(warnings.map((w) => [w.what, w.kind]), [['start', 'connection_failed']]);
    const runs = await storedRuns(server.url, 'esm_lost_start');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'succeeded');
    assert.equal(runs[0].start_time, null);
    assert.deepEqual(runs[0].client_info, { ...baseClientInfo(), shard: 3 });
  } finally {
    await proxy.close();
  }
});

test('a manual start answered 503 then 200 is retried and recorded once', async () => {
  await createJob(server.url, { job_id: 'esm_retry_manual' });
  const proxy = await startProxy(server.url, (req, res, count) => {
    if (count !== 1) return false;
    res.writeHead(503, { 'Retry-After': '0' });
    res.end('busy');
    return true;
  });
  try {
    const { client } = quietClient({ url: proxy.url });
    const run = await client.start('esm_retry_manual', { runId: 'retry-1' });
    assert.equal(run.run_id, 'retry-1');
    assert.deepEqual(proxy.requests, ['POST /jobs/esm_retry_manual/start', 'POST /jobs/esm_retry_manual/start']);
    const runs = await storedRuns(server.url, 'esm_retry_manual');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'running');
  } finally {
    await proxy.close();
  }
});

test('a refusal that retrying cannot fix (4xx) is not retried', async () => {
  const proxy = await startProxy(server.url);
  try {
    const { client } = quietClient({ url: proxy.url });
    await assert.rejects(client.job('missing_job'), { code: 'not_found' });
    assert.equal(proxy.requests.length, 1);
  } finally {
    await proxy.close();
  }
});

test('connections are kept alive: ten runs (20 requests) open at most two', async () => {
  await createJob(server.url, { job_id: 'esm_keepalive' });
  const proxy = await startProxy(server.url);
  try {
    const { client } = quietClient({ url: proxy.url });
    for (let i = 0; i < 10; i++) await client.run('esm_keepalive', async () => {});
    assert.equal(proxy.requests.length, 20);
    // undici hands the next request a second socket while the first is being released;
    // the two are then reused in turn. Without keep-alive this would be 20.
    assert.ok(proxy.connections <= 2, `${proxy.connections} connections`);
  } finally {
    await proxy.close();
  }
});

test('the version in client_info is the package version', async () => {
  const pkg = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8'));
  assert.equal(VERSION, pkg.version);
});

test('index.d.ts declares every public method and export (no compiler here: a structural check)', async () => {
  const types = await readFile(join(packageRoot, 'index.d.ts'), 'utf8');
  const clientBody = types.slice(types.indexOf('export declare class Client'));
  const methods = Object.getOwnPropertyNames(Client.prototype).filter((name) => name !== 'constructor');
  assert.ok(methods.length >= 10);
  for (const name of methods) {
    assert.match(clientBody, new RegExp(`\\n  (readonly )?${name}[(<:]`), `Client.${name} is declared`);
  }
  const runtime = await import('cronicle-client');
  for (const name of Object.keys(runtime).filter((n) => n !== 'default')) {
    assert.match(types, new RegExp(`export declare (const|class) ${name}\\b`), `${name} is declared`);
  }
  const moduleTypes = await readFile(join(packageRoot, 'index.d.mts'), 'utf8');
  assert.match(moduleTypes, /export \* from '\.\/index\.js'/);
  assert.match(moduleTypes, /export default Client/);
  const exportsMap = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')).exports['.'];
  assert.deepEqual(exportsMap.import, { types: './index.d.mts', default: './index.mjs' });
  assert.deepEqual(exportsMap.require, { types: './index.d.ts', default: './lib/client.cjs' });
});
