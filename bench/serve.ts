/**
 * Benchmark: `hindsight serve` against a running test platform. Times the initial sync (start
 * to /readyz), then makes N changes through the API — a Deployment turned privileged and back —
 * and times each from the API call returning to the change showing in /metrics; reports p50 and
 * p99, and the server's peak RSS and CPU time (from /proc) at the end.
 *
 *   node bench/serve.ts [--platform test] [--changes 50] [--debounce 500ms] [--node-options="..."] [--detail]
 *
 * At the end the server's live heap is read over the inspector after a forced full collection
 * (what the process holds, apart from garbage V8 has not collected yet). `--node-options` runs
 * the server under those Node.js options (e.g. the chart's heap limit). `--detail` also prints
 * where the memory is then: V8's spaces (used and committed), memory outside the heap, and the
 * RSS split into anonymous and file-backed pages.
 *
 * Needs `npm run build` (it runs dist/) and a platform: npm run testenv -- up --name test.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { platformClient } from '../testenv/apply.ts';
import { REPO_ROOT } from '../testenv/paths.ts';
import { readPlatformState } from '../testenv/platform.ts';

const { values } = parseArgs({
  options: {
    platform: { type: 'string', default: 'test' },
    changes: { type: 'string', default: '50' },
    debounce: { type: 'string', default: '500ms' },
    'node-options': { type: 'string', default: '' },
    detail: { type: 'boolean', default: false },
  },
});
const state = readPlatformState(values.platform);
if (!state) throw new Error(`platform ${values.platform} is not running`);
const NS = 'serve-bench';
const api = platformClient(state);

const started = Date.now();
const child = spawn(
  process.execPath,
  [
    '--inspect=127.0.0.1:0',
    join(REPO_ROOT, 'dist', 'cli', 'bin.js'),
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--debounce',
    values.debounce,
  ],
  {
    env: { ...process.env, KUBECONFIG: state.kubeconfig, NODE_OPTIONS: values['node-options'] },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let stderr = '';
child.stderr.on('data', (c: Buffer) => {
  stderr += c.toString();
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** GET, tried again on a dropped connection (the server closes idle keep-alive sockets). */
async function get(target: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(target, { signal: AbortSignal.timeout(120_000) });
    } catch (error) {
      if (attempt >= 5) throw error;
      await wait(200);
    }
  }
}
/** Stops the benchmark when the server is gone (out of heap, say) instead of waiting for it. */
function alive(): void {
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`the server exited (${child.exitCode ?? child.signalCode}): ${stderr.slice(-800)}`);
}
let url: string | undefined;
while (!url) {
  alive();
  url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
  await wait(20);
}
for (;;) {
  const ready = await get(`${url}/readyz`).catch((error: unknown) => {
    alive();
    throw error;
  });
  if (ready.status === 200) break;
  alive();
  await wait(200);
}
const syncSeconds = (Date.now() - started) / 1000;
const objects = (await (await get(`${url}/metrics`)).text())
  .split('\n')
  .filter((l) => l.startsWith('hindsight_objects{'))
  .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

const deployment = (privileged: boolean, resourceVersion?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: NS, ...(resourceVersion ? { resourceVersion } : {}) },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          { name: 'api', image: 'registry.example.com/api:1.0.0', securityContext: { privileged } },
        ],
      },
    },
  },
});
const privilegedShown = async (): Promise<boolean> =>
  (await (await get(`${url}/metrics`)).text())
    .split('\n')
    .some(
      (l) =>
        l.startsWith('hindsight_findings{rule="container-privileged"') && l.includes(`namespace="${NS}"`),
    );

await api.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
await api.json('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment(false));
const latencies: number[] = [];
try {
  for (let i = 0; i < Number(values.changes); i++) {
    const privileged = i % 2 === 0;
    const current = (await api.json('GET', `/apis/apps/v1/namespaces/${NS}/deployments/api`)) as {
      metadata: { resourceVersion: string };
    };
    await api.json(
      'PUT',
      `/apis/apps/v1/namespaces/${NS}/deployments/api`,
      deployment(privileged, current.metadata.resourceVersion),
    );
    const t0 = Date.now();
    // Polled every 100 ms: rendering /metrics costs the server too.
    while ((await privilegedShown()) !== privileged) await wait(100);
    latencies.push(Date.now() - t0);
  }
} finally {
  await api.send('DELETE', `/api/v1/namespaces/${NS}`);
  api.close();
}
/** The server's heap after a forced full collection, read over the inspector (MiB). */
async function liveHeap(): Promise<{ heap: number; rss: number }> {
  const ws = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  if (!ws) throw new Error('the server printed no inspector address');
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`the server exited (${child.exitCode ?? child.signalCode}): ${stderr.slice(-500)}`);
  const socket = new WebSocket(ws);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot reach the server's inspector at ${ws}`));
    setTimeout(() => reject(new Error('the inspector did not answer in 30 s')), 30_000).unref();
  });
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: string } } }>((resolve, reject) => {
      const mine = ++id;
      setTimeout(() => reject(new Error(`the inspector did not answer ${method} in 120 s`)), 120_000).unref();
      socket.addEventListener('message', function reply(event) {
        const message = JSON.parse(String(event.data)) as { id?: number };
        if (message.id !== mine) return;
        socket.removeEventListener('message', reply);
        resolve(message as { result?: { result?: { value?: string } } });
      });
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  for (let i = 0; i < 3; i++) await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.evaluate', {
    expression:
      "JSON.stringify({ ...process.memoryUsage(), spaces: process.getBuiltinModule('v8').getHeapSpaceStatistics() })",
    returnByValue: true,
  });
  socket.close();
  const memory = JSON.parse(usage.result?.result?.value ?? '{}') as {
    heapUsed: number;
    heapTotal: number;
    external: number;
    rss: number;
    spaces: { space_name: string; space_used_size: number; physical_space_size: number }[];
  };
  if (values.detail) {
    // Where the RSS is: V8's spaces (used of committed), memory outside the heap, the mappings.
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    const spaces = memory.spaces
      .filter((s) => s.physical_space_size > 0)
      .map((s) => `${s.space_name} ${mib(s.space_used_size)}/${mib(s.physical_space_size)}`);
    console.log(`heap spaces, MiB used/committed: ${spaces.join(', ')}`);
    console.log(`heap total ${mib(memory.heapTotal)} MiB, external ${mib(memory.external)} MiB`);
    const rollup = readFileSync(`/proc/${child.pid}/smaps_rollup`, 'utf8');
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) / 1024;
    console.log(
      `RSS ${field('Rss').toFixed(0)} MiB: anonymous ${field('Anonymous').toFixed(0)}, file-backed ${(field('Rss') - field('Anonymous')).toFixed(0)}`,
    );
  }
  return { heap: memory.heapUsed / 2 ** 20, rss: memory.rss / 2 ** 20 };
}
const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
const live = await liveHeap();
child.kill('SIGTERM');
const inOrder = [...latencies];
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
// Slow evaluations the server reported, to explain the tail.
for (const line of stderr.split('\n')) if (line.includes('evaluation took')) console.log(line);
console.log(`latencies in order of the changes, ms: ${inOrder.join(' ')}`);
console.log(
  `objects ${objects}; initial sync ${syncSeconds.toFixed(1)} s; change to metric over ${latencies.length} changes (debounce ${values.debounce}): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)} ms; RSS now ${rss.toFixed(0)} MiB, peak ${hwm.toFixed(0)} MiB; CPU ${cpuSeconds.toFixed(1)} s in all; after a forced full collection: live heap ${live.heap.toFixed(0)} MiB, RSS ${live.rss.toFixed(0)} MiB${values['node-options'] ? ` (NODE_OPTIONS ${values['node-options']})` : ''}`,
);
