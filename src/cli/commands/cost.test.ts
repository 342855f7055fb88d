/**
 * `hindsight cost` end to end against the real test platform and its Prometheus (loaded with
 * the fixture generator's history): recommendations checked against the fixture's ground truth,
 * costs that add up, the waterfall chained, bounded queries, the generators' files, request
 * patches into a user's YAML (comments kept), and Prometheus down or failing (partial, exit 3).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { load } from 'js-yaml';
import { requirePlatform } from '../../../testenv/harness.ts';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import type { CostReport } from '../../analyzers/cost/cost-report.ts';
import { runCli } from '../../testing/run-cli.ts';

interface TruthContainer {
  name: string;
  true: { memory: { max: number }; cpu: { mean: number } };
}
interface TruthWorkload {
  namespace: string;
  kind: string;
  name: string;
  containers: TruthContainer[];
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-cost-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let cached: { report: CostReport; stderr: string; code: number; dir: string } | undefined;

/** One full run against the platform (with every generator), shared by the tests below. */
async function fullRun(state: NonNullable<ReturnType<typeof requirePlatform>>) {
  if (cached) return cached;
  const dir = tempDir();
  const run = await runCli(
    [
      'cost',
      '-o',
      'json',
      '--prometheus',
      state.prometheus?.url ?? '',
      '--end',
      state.prometheus?.historyEnd ?? '',
      '--write-vpa',
      join(dir, 'vpa'),
      '--write-karpenter',
      join(dir, 'karpenter'),
      '--write-keda',
      join(dir, 'keda'),
      '--report',
      `html=${join(dir, 'cost.html')}`,
    ],
    {
      env: {
        HOME: '/nonexistent-home',
        KUBECONFIG: state.kubeconfig,
        HINDSIGHT_NOW: state.prometheus?.historyEnd ?? '',
      },
    },
  );
  cached = { report: JSON.parse(run.stdout) as CostReport, stderr: run.stderr, code: run.code, dir };
  return cached;
}

test('right-sizing from the real Prometheus covers every container of the ground truth, with limits above the true peaks', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state) return;
  const { report, code, stderr } = await fullRun(state);
  assert.equal(code, 0, stderr);
  const truth = JSON.parse(readFileSync(state.fixture?.truth ?? '', 'utf8')) as TruthWorkload[];
  const recs = report.rightsizing?.containers ?? [];
  const withHistory = truth.filter((w) => w.kind !== 'Job' && w.kind !== 'CronJob');
  let checked = 0;
  for (const w of withHistory) {
    for (const c of w.containers) {
      const rec = recs.find(
        (r) => r.namespace === w.namespace && r.workload === w.name && r.container === c.name,
      );
      if (!rec) continue;
      checked++;
      // The memory limit hindsight sets is never below the largest working set the container had.
      assert.ok(
        (rec.recommended.memoryLimit ?? 0) >= c.true.memory.max,
        `${w.namespace}/${w.name}/${c.name}: limit ${rec.recommended.memoryLimit} < true peak ${c.true.memory.max}`,
      );
    }
  }
  assert.ok(checked >= 50, `only ${checked} truth containers had a recommendation`);
  // Backtest: the four strategies side by side, hindsight no riskier on memory than KRR.
  const rows = report.rightsizing?.backtest ?? [];
  assert.deepEqual(
    rows.map((r) => r.strategy),
    ['hindsight', 'hindsight-guaranteed', 'krr', 'vpa'],
  );
  const hs = rows.find((r) => r.strategy === 'hindsight');
  const krr = rows.find((r) => r.strategy === 'krr');
  assert.ok(hs && krr && hs.oomRisk <= krr.oomRisk && hs.memoryOverRequest <= krr.memoryOverRequest);
  // Bounded queries: a handful per namespace, never one per pod.
  const namespaces = new Set(recs.map((r) => r.namespace)).size;
  assert.ok((report.prometheus?.queries ?? 0) <= 1 + 5 * namespaces, `${report.prometheus?.queries} queries`);
  assert.ok((report.prometheus?.samplesTouched ?? 0) > 0);
  assert.ok((report.prometheus?.serverSeconds ?? 0) > 0 && (report.prometheus?.bytesReceived ?? 0) > 0);
});

test('costs add up: namespaces plus idle make the nodes, the waterfall chains, the plan is above its bound', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state) return;
  const { report } = await fullRun(state);
  const allocated = report.byNamespace.reduce((s, l) => s + l.monthly, 0);
  assert.ok(
    Math.abs(allocated + report.now.idleMonthly - report.now.monthly) < 0.01,
    `${allocated} + ${report.now.idleMonthly} ≠ ${report.now.monthly}`,
  );
  assert.ok(Math.abs(report.byTeam.reduce((s, l) => s + l.monthly, 0) - allocated) < 0.01);
  assert.equal(report.now.nodes, 12);
  assert.ok(report.now.monthly > 0 && report.now.unpricedNodes.length === 0);
  assert.deepEqual(
    report.waterfall.map((w) => w.label),
    ['now', 'node mix', 'right-sizing', 'spot'],
  );
  for (let i = 1; i < report.waterfall.length; i++) {
    const [prev, cur] = [report.waterfall[i - 1], report.waterfall[i]] as [
      (typeof report.waterfall)[0],
      (typeof report.waterfall)[0],
    ];
    assert.ok(Math.abs(prev.monthly - cur.saving - cur.monthly) < 1e-6, `${cur.label} does not chain`);
  }
  const mix = report.nodeMix;
  assert.ok(mix && mix.lowerBoundMonthly > 0 && mix.planMonthly >= mix.lowerBoundMonthly - 1e-6);
  assert.ok(Math.abs(mix.ratio - mix.planMonthly / mix.lowerBoundMonthly) < 1e-9);
  assert.ok(report.spot.safe > 0 && report.spot.onDemandOnly > 0);
});

test('generators write VPAs in Off mode and a diversified NodePool; serving workloads get no ScaledObject', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state) return;
  const { report, dir, stderr } = await fullRun(state);
  const vpas = readdirSync(join(dir, 'vpa')).map(
    (f) =>
      load(readFileSync(join(dir, 'vpa', f), 'utf8')) as { spec: { updatePolicy: { updateMode: string } } },
  );
  const workloads = new Set(
    (report.rightsizing?.containers ?? [])
      .filter((c) => ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'].includes(c.kind))
      .map((c) => `${c.namespace}/${c.workload}`),
  );
  assert.equal(vpas.length, workloads.size);
  for (const v of vpas) assert.equal(v.spec.updatePolicy.updateMode, 'Off');
  const nodePool = load(readFileSync(join(dir, 'karpenter', 'nodepool-general.yaml'), 'utf8')) as {
    spec: { template: { spec: { requirements: Array<{ key: string; values: string[] }> } } };
  };
  const families = nodePool.spec.template.spec.requirements.find(
    (r: { key: string }) => r.key === 'karpenter.k8s.aws/instance-family',
  );
  assert.ok((families?.values.length ?? 0) >= 4, 'spot diversified over at least four families');
  assert.ok(readdirSync(join(dir, 'karpenter')).includes('ec2nodeclass-general.yaml'));
  // The fixture's idle-shaped workloads serve traffic (no scale to zero without an HTTP
  // add-on): no ScaledObject. generate.test.ts covers workers with and without a queue.
  assert.throws(() => readdirSync(join(dir, 'keda')), /ENOENT/);
  assert.doesNotMatch(stderr, /names no queue or topic/);
  const html = readFileSync(join(dir, 'cost.html'), 'utf8');
  assert.match(html, /<svg role="img" aria-label="Savings waterfall"/);
});

test('--apply-requests patches the matching workload in the user file, keeping its comments', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state) return;
  const { report } = await fullRun(state);
  const rec = (report.rightsizing?.containers ?? []).find(
    (c) => c.kind === 'Deployment' && c.recommended.cpuRequest !== undefined,
  );
  assert.ok(rec, 'a Deployment recommendation');
  const dir = tempDir();
  mkdirSync(join(dir, 'apps'));
  const file = join(dir, 'apps', 'deploy.yaml');
  const original = [
    '# owned by the team; hindsight may patch requests',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${rec.workload}`,
    `  namespace: ${rec.namespace}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${rec.container} # the main container`,
    '          image: example/app:1.0',
    '          resources:',
    '            requests:',
    '              cpu: 9',
    '',
  ].join('\n');
  writeFileSync(file, original);
  const env = {
    HOME: '/nonexistent-home',
    KUBECONFIG: state.kubeconfig,
    HINDSIGHT_NOW: state.prometheus?.historyEnd ?? '',
  };
  const base = [
    'cost',
    '--no-plan',
    '--prometheus',
    state.prometheus?.url ?? '',
    '--end',
    state.prometheus?.historyEnd ?? '',
    '--apply-requests',
    join(dir, 'apps'),
  ];
  const dry = await runCli([...base, '--dry-run'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^-\s+cpu: 9$/m);
  assert.equal(readFileSync(file, 'utf8'), original, 'a dry run writes nothing');
  const real = await runCli(base, { env });
  assert.equal(real.code, 0, real.stderr);
  const patched = readFileSync(file, 'utf8');
  assert.match(patched, /^# owned by the team; hindsight may patch requests$/m);
  assert.match(patched, /# the main container/);
  const object = load(patched) as {
    spec: { template: { spec: { containers: Array<{ resources: { requests: { cpu: string } } }> } } };
  };
  const cpu = object.spec.template.spec.containers[0]?.resources.requests.cpu ?? '';
  const cores = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
  assert.ok(
    Math.abs(cores - (rec.recommended.cpuRequest ?? 0)) < 0.001,
    `${cpu} vs ${rec.recommended.cpuRequest}`,
  );
});

test('Prometheus down or failing: the cost by requests still comes out, marked partial, exit 3', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const env = { HOME: '/nonexistent-home', KUBECONFIG: state.kubeconfig };
  const down = await runCli(
    ['cost', '-o', 'json', '--no-plan', '--prometheus', 'http://127.0.0.1:9', '--prometheus-timeout', '2s'],
    { env },
  );
  assert.equal(down.code, 3, down.stderr);
  assert.match(down.stderr, /error: http:\/\/127\.0\.0\.1:9: .*(unreachable|did not answer)/);
  const report = JSON.parse(down.stdout) as CostReport;
  assert.ok(report.now.monthly > 0, 'costs by requests still computed');
  assert.equal(report.rightsizing, undefined);
  assert.match(report.partial.join('\n'), /right-sizing skipped/);

  // A Prometheus that answers every query with a server error: retried, then partial.
  const server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"status":"error","errorType":"internal","error":"storage is on fire"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const failing = await runCli(['cost', '-o', 'json', '--no-plan', '--prometheus', url], { env });
    assert.equal(failing.code, 3, failing.stderr);
    assert.match(failing.stderr, /storage is on fire/);
  } finally {
    server.close();
  }
});

test('the bundled snapshot gives a cost report without Prometheus, pods grouped by their workload', async () => {
  const snapshot = join(REPO_ROOT, 'examples', 'snapshot', 'cluster-snapshot.json');
  const env = { HOME: '/nonexistent-home' };
  const md = await runCli(['cost', snapshot, '-o', 'markdown'], { env });
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^# hindsight cost/m);
  assert.match(md.stdout, /\/month on 4 nodes/);
  // The snapshot holds pods but not their Deployments: each Deployment is still one workload.
  const json = await runCli(['cost', snapshot, '-o', 'json', '--spot-discount', '0.7'], { env });
  const report = JSON.parse(json.stdout) as CostReport;
  const names = report.spot.movable.map((m) => `${m.kind} ${m.namespace}/${m.name}`);
  assert.ok(names.includes('Deployment payments/api'), names.join(', '));
  assert.equal(new Set(names).size, names.length);
  for (const m of report.spot.movable)
    assert.ok(Math.abs(m.saving - 0.7 * m.monthly) < 1e-6, 'saving = 70 % of its cost');
});

test('cost of a repository (no nodes, no pods): says what is missing, prices templates × replicas on planned nodes, exit 3', async () => {
  const env = { HOME: '/nonexistent-home' };
  const apps = join(REPO_ROOT, 'examples', 'repo', 'apps');
  const table = await runCli(['cost', apps], { env });
  assert.equal(table.code, 3, table.stderr);
  assert.match(
    table.stdout,
    /^No nodes in the input: the requests below would run on \d+ nodes for \$[\d,.]+\/month/m,
  );
  assert.match(table.stdout, /PARTIAL: no Node objects in the input/);
  assert.match(
    table.stdout,
    /no Pods in the input: requests are those of \d+ workload templates × their replicas/,
  );
  assert.doesNotMatch(table.stdout, /\$0\.00\/month on 0 nodes/);
  assert.match(table.stderr, /no --prometheus: usage is unknown/);

  const json = await runCli(['cost', apps, '-o', 'json'], { env });
  const report = JSON.parse(json.stdout) as CostReport;
  // The requests are the templates' own: each replicated workload's containers × its replicas.
  assert.ok(report.templates && report.templates.cpu > 0 && report.templates.memory > 0);
  assert.ok(report.templates.pods >= report.templates.workloads);
  assert.ok(report.nodeMix && report.nodeMix.planMonthly > 0 && report.nodeMix.nodes.length > 0);
  assert.equal(report.waterfall[0]?.label, 'on-demand');
  assert.ok((report.waterfall.at(-1)?.monthly ?? 0) <= (report.waterfall[0]?.monthly ?? 0));

  // Nothing priceable at all is a usage error, not "$0.00".
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-cost-empty-'));
  writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\n');
  const empty = await runCli(['cost', dir], { env });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /nothing to price: no nodes, pods or workloads/);
});
