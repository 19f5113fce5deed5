// The CommonJS entry point (`require('cronicle-client')`, through package.json "exports")
// against a real `cronicle serve`.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client, CronicleError, VERSION } = require('cronicle-client');

let support;
let server;
before(async () => {
  support = await import('../testing/support.mjs');
  server = await support.startServer();
});
after(async () => {
  if (server) await server.stop();
});

test('require() resolves to the CommonJS file, and import() shares its classes', async () => {
  assert.equal(require.resolve('cronicle-client'), require('node:path').join(support.packageRoot, 'lib', 'client.cjs'));
  const esm = await import('cronicle-client');
  assert.strictEqual(esm.Client, Client);
  assert.strictEqual(esm.CronicleError, CronicleError);
  assert.strictEqual(esm.default, Client);
  assert.equal(typeof VERSION, 'string');
});

test('run through the CommonJS entry: success returns the value and records exit code 0', async () => {
  await support.createJob(server.url, { job_id: 'cjs_ok' });
  const client = new Client({ url: server.url, logger: null });
  const value = await client.run('cjs_ok', () => 'synchronous value');
  assert.equal(value, 'synchronous value');
  const runs = await support.storedRuns(server.url, 'cjs_ok');
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, 'succeeded');
  assert.equal(runs[0].exit_code, 0);
  assert.ok(runs[0].start_time);
  assert.equal(runs[0].client_info.library, `cronicle-client/${VERSION}`);
});

test('run through the CommonJS entry: failure rethrows the same error and records it', async () => {
  await support.createJob(server.url, { job_id: 'cjs_fail' });
  const client = new Client({ url: server.url, logger: null });
  const thrown = new SyntaxError('bad row 7');
  await assert.rejects(
    client.run('cjs_fail', async () => {
      throw thrown;
    }),
    (error) => error === thrown,
  );
  const [run] = await support.storedRuns(server.url, 'cjs_fail');
  assert.equal(run.status, 'failed');
  assert.equal(run.exit_code, 1);
  assert.equal(run.message, 'SyntaxError: bad row 7');
});

test('the CommonJS entry throws CronicleError for API errors and TypeError for bad input', async () => {
  const client = new Client({ url: server.url, logger: null });
  await assert.rejects(client.job('cjs_missing'), (error) => error instanceof CronicleError && error.code === 'not_found' && error.status === 404);
  await assert.rejects(client.run('bad id', () => 1), TypeError);
  assert.throws(() => new Client({ url: 'ws://127.0.0.1:8000' }), TypeError);
});
