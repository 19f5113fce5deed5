// What `await client.run(job, async () => {})` costs against a local monitor: starts its
// own `cronicle serve` (CRONICLE_BIN, else the repository's debug build) on a fresh
// database, creates job "bench", warms up 20 runs, then times 300 and prints the median
// and p99 in milliseconds, beside the same two requests sent with bare fetch (the
// server's and the network's share). Goal: under 10 ms. Usage: node clients/node/bench.mjs
import { Client } from 'cronicle-client';
import { startServer, createJob, storedRuns } from './testing/support.mjs';

const WARM_UP = 20;
const ITERATIONS = 300;

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

const server = await startServer();
try {
  await createJob(server.url, { job_id: 'bench' });
  await createJob(server.url, { job_id: 'bench_floor' });
  const client = new Client({ url: server.url }); // the defaults a job uses: not strict
  for (let i = 0; i < WARM_UP; i++) await client.run('bench', async () => {});
  const times = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const began = performance.now();
    await client.run('bench', async () => {});
    times.push(performance.now() - began);
  }
  // The floor: the same two requests with bare fetch, no client around them.
  const floor = [];
  for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
    const runId = `floor-${i}`;
    const began = performance.now();
    for (const [route, body] of [['start', { run_id: runId, client_info: { floor: true } }], ['end', { run_id: runId, exit_code: 0 }]]) {
      const answer = await fetch(`${server.url}/jobs/bench_floor/${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!answer.ok) throw new Error(`floor ${route}: ${answer.status}`);
      await answer.text();
    }
    if (i >= WARM_UP) floor.push(performance.now() - began);
  }
  floor.sort((a, b) => a - b);
  const recorded = (await storedRuns(server.url, 'bench')).filter((run) => run.status === 'succeeded').length;
  if (recorded !== WARM_UP + ITERATIONS) throw new Error(`expected ${WARM_UP + ITERATIONS} succeeded runs, found ${recorded}`);
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`client.run against ${server.url} (${ITERATIONS} runs after ${WARM_UP} warm-up, node ${process.version}):`);
  console.log(`  median ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, mean ${mean.toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`);
  console.log(`  bare fetch, same two requests: median ${percentile(floor, 50).toFixed(2)} ms, p99 ${percentile(floor, 99).toFixed(2)} ms`);
  console.log(`  goal: median under 10 ms: ${percentile(times, 50) < 10 ? 'met' : 'NOT met'}`);
} finally {
  await server.stop();
}
