// The client against a monitor with scoped access keys (DESIGN 13). A server of its
// own: the first key guards every route, and the other tests expect an open monitor.
// It runs with an API token (an admin key), with which the raw helpers make jobs and
// read what was stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, CronicleError } from 'cronicle-client';
import { startServer, api, createJob, storedRuns, collectingClient } from '../testing/support.mjs';

const ADMIN_TOKEN = 'admin-token-of-the-key-tests';

let server;
const keys = {};
before(async () => {
  server = await startServer({ apiToken: ADMIN_TOKEN });
  keys.ping = await server.createKey('billing-cron', 'ping', { jobs: 'bill_*' });
  keys.read = await server.createKey('grafana', 'read');
  keys.sync = await server.createKey('ci-deploy', 'sync');
});
after(async () => {
  await server?.stop();
});

/** A client of the test server that collects its warnings instead of printing them. */
const quietClient = (options = {}) => collectingClient(server.url, options);

const statuses = async (jobId) => (await storedRuns(server.url, jobId, ADMIN_TOKEN)).map((run) => run.status).sort();

test('a ping key records runs of the jobs it covers', async () => {
  await createJob(server.url, { job_id: 'bill_daily' }, ADMIN_TOKEN);
  const { client } = quietClient({ pingKey: keys.ping, strict: true });
  assert.equal(await client.run('bill_daily', () => 'paid'), 'paid');
  const started = await client.start('bill_daily');
  await client.fail('bill_daily', { runId: started.run_id, message: 'card declined' });
  await client.heartbeat('bill_daily');
  assert.deepEqual(await statuses('bill_daily'), ['failed', 'succeeded', 'succeeded']);
  const runs = await storedRuns(server.url, 'bill_daily', ADMIN_TOKEN);
  assert.equal(runs.filter((run) => run.start_time).length, 2, 'the run and the manual start, not the heartbeat');
});

test('a ping key is refused (403 forbidden) on a job it does not cover: thrown with strict, a warning without', async () => {
  await createJob(server.url, { job_id: 'etl_nightly' }, ADMIN_TOKEN);
  const strict = quietClient({ pingKey: keys.ping, strict: true }).client;
  let jobRan = false;
  await assert.rejects(
    strict.run('etl_nightly', () => (jobRan = true)),
    (error) => error instanceof CronicleError && error.status === 403 && error.code === 'forbidden' && error.message.includes('bill_*'),
  );
  assert.equal(jobRan, false, 'with strict, a refused start stops the job before it begins');

  const { client, warnings } = quietClient({ pingKey: keys.ping });
  assert.equal(await client.run('etl_nightly', () => 42), 42);
  assert.equal(await client.start('etl_nightly'), null);
  assert.deepEqual(
    warnings.map((warning) => [warning.what, warning.kind]),
    [
      ['start', 'forbidden'],
      ['end', 'forbidden'],
      ['start', 'forbidden'],
    ],
  );
  assert.deepEqual(await storedRuns(server.url, 'etl_nightly', ADMIN_TOKEN), []);
});

test('a read key reads, and cannot record runs', async () => {
  await createJob(server.url, { job_id: 'read_me' }, ADMIN_TOKEN);
  await api(server.url, 'POST', '/jobs/read_me/end', {}, ADMIN_TOKEN);
  const { client } = quietClient({ apiToken: keys.read, strict: true });
  assert.ok((await client.jobs().toArray()).some((job) => job.job_id === 'read_me'));
  assert.equal((await client.job('read_me')).job_id, 'read_me');
  assert.equal((await client.status('read_me')).last_run.status, 'succeeded');
  assert.deepEqual((await client.runs({ jobId: 'read_me' }).toArray()).map((run) => run.status), ['succeeded']);
  assert.deepEqual(await client.alerts({ jobId: 'read_me' }).toArray(), []);
  await assert.rejects(client.start('read_me'), (error) => error.status === 403 && error.code === 'forbidden');
  await assert.rejects(quietClient().client.job('read_me'), (error) => error.status === 401 && error.code === 'unauthorized');
});

for (const token of ['read', 'sync']) {
  test(`with a ${token} token and a ping key (CRONICLE_API_TOKEN, CRONICLE_PING_KEY), runs go with the ping key and reads with the token`, async () => {
    const jobId = `bill_both_${token}`;
    await createJob(server.url, { job_id: jobId }, ADMIN_TOKEN);
    const names = ['CRONICLE_URL', 'CRONICLE_API_TOKEN', 'CRONICLE_PING_KEY'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    try {
      process.env.CRONICLE_URL = server.url;
      process.env.CRONICLE_API_TOKEN = keys[token];
      process.env.CRONICLE_PING_KEY = keys.ping;
      const warnings = [];
      const client = new Client({ logger: (message) => warnings.push(message) }); // not strict, as in a job
      assert.equal(await client.run(jobId, () => 'done'), 'done');
      assert.ok(await client.heartbeat(jobId));
      const started = await client.start(jobId);
      assert.ok(started);
      await client.end(jobId, { runId: started.run_id });
      assert.deepEqual(warnings, []);
      assert.deepEqual(await statuses(jobId), ['succeeded', 'succeeded', 'succeeded']);
      assert.equal((await client.runs({ jobId }).toArray()).length, 3);
      assert.equal((await client.status(jobId)).last_run.status, 'succeeded');
      assert.ok((await client.jobs().toArray()).some((job) => job.job_id === jobId));
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
}
