/**
 * `serve` against the real test platform: out of cluster, through the admin kubeconfig, with a
 * real Prometheus scraping it every second. A change made through the API shows up in /metrics
 * (and in Prometheus) within the bound in docs/BENCHMARKS.md, a fix makes it disappear, and
 * the exported findings equal a fresh `scan` of the same cluster.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { platformClient } from '../../testenv/apply.ts';
import { requirePlatform } from '../../testenv/harness.ts';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { stopProcess } from '../../testenv/processes.ts';
import { findPrometheus, type RunningPrometheus, startPrometheus } from '../../testenv/prometheus.ts';
import { runCli } from '../testing/run-cli.ts';
import { issueCertificate } from '../testing/test-pki.ts';
import { until } from '../testing/until.ts';
import { HindsightServer } from './serve.ts';

const NS = 'serve-test';

/** The value of one series in an exposition, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

function deployment(privileged: boolean) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: NS },
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
  };
}

let server: HindsightServer | undefined;
let url = '';
const work = mkdtempSync(join(tmpdir(), 'hindsight-serve-'));
let prometheus: RunningPrometheus | undefined;

after(async () => {
  await server?.stop();
  if (prometheus) await stopProcess(prometheus.process.pid);
  rmSync(work, { recursive: true, force: true });
});

test('serve: ready after the initial list, the same findings as a fresh scan, health and 404s', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  server = new HindsightServer({
    watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    debounceMs: 100,
    cluster: 'test',
    version: '0.0.0-test',
  });
  ({ url } = await server.start());
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  await until('ready', 60_000, async () =>
    (await fetch(`${url}/readyz`)).status === 200 ? true : undefined,
  );
  // Certificates are read once ready; wait for that read.
  const metrics = await until('certificates read', 30_000, async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return (sample(text, 'hindsight_certificates_last_read_timestamp_seconds') ?? 0) > 0 ? text : undefined;
  });
  assert.equal(sample(metrics, 'hindsight_ready', { cluster: 'test' }), 1);
  assert.equal(sample(metrics, 'hindsight_build_info', { version: '0.0.0-test' }), 1);
  // Every finding of a fresh scan of the same cluster is counted, rule by rule.
  // And every finding of a fresh `certs` of it.
  const env = { KUBECONFIG: state.kubeconfig, HOME: work };
  const fresh = new Map<string, number>();
  for (const command of ['scan', 'certs']) {
    const run = await runCli([command, '-o', 'json'], { env });
    for (const f of (JSON.parse(run.stdout) as { findings: { rule: string }[] }).findings)
      fresh.set(f.rule, (fresh.get(f.rule) ?? 0) + 1);
  }
  const served = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const m = /^hindsight_findings\{.*rule="([^"]+)".*\} (\d+)$/.exec(line);
    if (m) served.set(m[1] as string, (served.get(m[1] as string) ?? 0) + Number(m[2]));
  }
  assert.deepEqual(new Map([...served].sort()), new Map([...fresh].sort()));
  assert.equal((await fetch(`${url}/nothing`)).status, 404);
  assert.equal((await fetch(`${url}/metrics`, { method: 'POST' })).status, 405);
});

test('serve: a privileged Deployment appears in /metrics and in Prometheus, and its fix removes it', async (t) => {
  const state = requirePlatform(t);
  if (!state || !server) return;
  prometheus = await startPrometheus(findPrometheus(), work, join(work, 'tsdb'), {
    scrape: { job: 'hindsight', targets: [new URL(url).host] },
  });
  const api = platformClient(state);
  t.after(async () => {
    await api.send('DELETE', `/api/v1/namespaces/${NS}`);
    api.close();
  });
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
  const labels = { rule: 'container-privileged', namespace: NS };
  const made = Date.now();
  await api.json('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment(true));
  await until('the finding in /metrics', 10_000, async () =>
    sample(await (await fetch(`${url}/metrics`)).text(), 'hindsight_findings', labels) === 1
      ? true
      : undefined,
  );
  const latency = Date.now() - made;
  t.diagnostic(`change to metric: ${latency} ms`);
  // Prometheus scraped it: the series is queryable with the cluster label.
  const query = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(`hindsight_findings{rule="container-privileged",namespace="${NS}",cluster="test"}`)}`;
  await until('the finding in Prometheus', 20_000, async () => {
    const body = (await (await fetch(query)).json()) as { data: { result: { value: [number, string] }[] } };
    return body.data.result[0]?.value[1] === '1' ? true : undefined;
  });
  // The fix: the series goes away.
  await api.json('PUT', `/apis/apps/v1/namespaces/${NS}/deployments/api`, {
    ...deployment(false),
    metadata: {
      ...deployment(false).metadata,
      resourceVersion: (
        (await api.json('GET', `/apis/apps/v1/namespaces/${NS}/deployments/api`)) as {
          metadata: { resourceVersion: string };
        }
      ).metadata.resourceVersion,
    },
  });
  await until('the finding gone', 10_000, async () =>
    sample(await (await fetch(`${url}/metrics`)).text(), 'hindsight_findings', labels) === undefined
      ? true
      : undefined,
  );
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.ok((sample(metrics, 'hindsight_watch_events_total', { kind: 'Deployment' }) ?? 0) >= 2);
  assert.ok((sample(metrics, 'hindsight_change_to_evaluation_seconds_count') ?? 0) >= 2);
  // After the first evaluation, changes re-ran only the checks that read what changed.
  const reused = sample(metrics, 'hindsight_rule_checks_total', { result: 'reused' }) ?? 0;
  const run = sample(metrics, 'hindsight_rule_checks_total', { result: 'run' }) ?? 0;
  t.diagnostic(`checks run ${run}, reused ${reused}`);
  assert.ok(reused > run, `most checks reused (${reused} reused, ${run} run)`);
});

test('serve: a TLS Secret replaced by one expiring in 3 days shows as x509 series and a finding', async (t) => {
  const state = requirePlatform(t);
  if (!state || !server) return;
  const api = platformClient(state);
  const ns = `${NS}-certs`;
  t.after(async () => {
    await api.send('DELETE', `/api/v1/namespaces/${ns}`);
    api.close();
  });
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  const soon = await issueCertificate({
    cn: 'api.serve-test.svc',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 3 * 86_400_000),
  });
  const made = Date.now();
  await api.json('POST', `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'api-tls' },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(soon.pem).toString('base64'),
      'tls.key': Buffer.from(soon.keyPem).toString('base64'),
    },
  });
  const metrics = await until('the certificate in /metrics', 30_000, async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return sample(text, 'hindsight_findings', { rule: 'certificate-expiring', namespace: ns }) !== undefined
      ? text
      : undefined;
  });
  t.diagnostic(`certificate change to metric: ${Date.now() - made} ms`);
  const notAfter = sample(metrics, 'x509_cert_not_after', { secret_namespace: ns, secret_name: 'api-tls' });
  assert.equal(notAfter, Math.floor(new Date(soon.certificate.notAfter).getTime() / 1000));
  assert.ok(metrics.includes(`cluster="test"`));
  // The private key never reaches the server's output.
  assert.ok(!metrics.includes(soon.keyPem.split('\n')[1] as string));
  const findings = await (await fetch(`${url}/api/findings`)).text();
  assert.ok(!findings.includes(soon.keyPem.split('\n')[1] as string));
});

test('serve with RBAC that does not allow Secrets keeps running and says its results are partial', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const api = platformClient(state);
  const ns = `${NS}-rbac`;
  t.after(async () => {
    await api.send('DELETE', `/api/v1/namespaces/${ns}`);
    await api.send('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/serve-test-no-secrets');
    await api.send('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/serve-test-no-secrets');
    api.close();
  });
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  await api.json('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'hindsight' },
  });
  // Everything the chart's ClusterRole allows, but Secrets.
  await api.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'serve-test-no-secrets' },
    rules: [
      {
        apiGroups: [''],
        resources: [
          'namespaces',
          'nodes',
          'pods',
          'services',
          'serviceaccounts',
          'persistentvolumeclaims',
          'persistentvolumes',
          'configmaps',
          'resourcequotas',
          'limitranges',
          'events',
          'replicationcontrollers',
        ],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: [
          'apps',
          'batch',
          'autoscaling',
          'policy',
          'networking.k8s.io',
          'storage.k8s.io',
          'scheduling.k8s.io',
          'rbac.authorization.k8s.io',
          'admissionregistration.k8s.io',
          'apiregistration.k8s.io',
          'apiextensions.k8s.io',
          'karpenter.sh',
          'karpenter.k8s.aws',
          'autoscaling.k8s.io',
          'keda.sh',
          'monitoring.coreos.com',
        ],
        resources: ['*'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  });
  await api.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'serve-test-no-secrets' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'serve-test-no-secrets' },
    subjects: [{ kind: 'ServiceAccount', name: 'hindsight', namespace: ns }],
  });
  const token = (
    (await api.json('POST', `/api/v1/namespaces/${ns}/serviceaccounts/hindsight/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    })) as { status: { token: string } }
  ).status.token;
  const kubeconfig = join(work, 'no-secrets.kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: testenv',
      '  cluster:',
      `    server: ${state.server}`,
      `    certificate-authority: ${state.pki.caCert}`,
      'users:',
      '- name: hindsight',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: testenv',
      '  context: {cluster: testenv, user: hindsight}',
      'current-context: testenv',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const limited = new HindsightServer({
    watch: { env: { KUBECONFIG: kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    version: '0.0.0-test',
  });
  t.after(() => limited.stop());
  const { url: limitedUrl } = await limited.start();
  await until('ready without Secrets', 60_000, async () =>
    (await fetch(`${limitedUrl}/readyz`)).status === 200 ? true : undefined,
  );
  const metrics = await until('certificates read', 30_000, async () => {
    const text = await (await fetch(`${limitedUrl}/metrics`)).text();
    return (sample(text, 'hindsight_certificates_last_read_timestamp_seconds') ?? 0) > 0 ? text : undefined;
  });
  assert.equal(sample(metrics, 'hindsight_ready'), 1);
  assert.equal(sample(metrics, 'hindsight_kinds_forbidden'), 1);
  assert.ok((sample(metrics, 'hindsight_certificates_read_errors') ?? 0) > 0);
  // Everything else is still checked.
  assert.ok((sample(metrics, 'hindsight_findings', { rule: 'container-privileged' }) ?? 0) > 0);
});

test('serve --policy-reports: a PolicyReport per namespace that kubectl reads, updated when findings change', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const api = platformClient(state);
  const ns = `${NS}-polr`;
  const reporting = new HindsightServer({
    watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    debounceMs: 100,
    policyReports: true,
    probeApiServer: false,
    version: '0.0.0-test',
  });
  t.after(async () => {
    await reporting.stop();
    await api.send('DELETE', `/api/v1/namespaces/${ns}`);
    await api.send('DELETE', '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/hindsight');
    api.close();
  });
  const { url: reportingUrl } = await reporting.start();
  await until('ready', 60_000, async () =>
    (await fetch(`${reportingUrl}/readyz`)).status === 200 ? true : undefined,
  );
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  const deploymentIn = (privileged: boolean) => ({
    ...deployment(privileged),
    metadata: { name: 'api', namespace: ns },
  });
  await api.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentIn(true));
  type Report = {
    summary: { fail: number };
    results: { policy: string; severity: string; resources: { name: string }[] }[];
  };
  const path = `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${ns}/policyreports/hindsight`;
  const report = await until('the PolicyReport', 30_000, async () => {
    const res = await api.send('GET', path);
    if (res.status !== 200) return undefined;
    const r = JSON.parse(res.body) as Report;
    return r.results.some((x) => x.policy === 'container-privileged') ? r : undefined;
  });
  assert.equal(report.summary.fail, report.results.length);
  const privileged = report.results.find((x) => x.policy === 'container-privileged');
  assert.equal(privileged?.severity, 'critical');
  assert.equal(privileged?.resources[0]?.name, 'api');
  // The fix is reported too: the result goes away from the same report.
  const current = (await api.json('GET', `/apis/apps/v1/namespaces/${ns}/deployments/api`)) as {
    metadata: { resourceVersion: string };
  };
  await api.json('PUT', `/apis/apps/v1/namespaces/${ns}/deployments/api`, {
    ...deploymentIn(false),
    metadata: { name: 'api', namespace: ns, resourceVersion: current.metadata.resourceVersion },
  });
  await until('the result gone', 30_000, async () => {
    const r = JSON.parse((await api.send('GET', path)).body) as Report;
    return r.results.some((x) => x.policy === 'container-privileged') ? undefined : true;
  });
  // Cluster-scoped findings go to the ClusterPolicyReport.
  const cluster = await api.send('GET', '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/hindsight');
  assert.equal(cluster.status, 200);
  assert.ok((JSON.parse(cluster.body) as Report).results.length > 0);
});

test('serve --prometheus: cost and right-sizing on a schedule, equal to hindsight cost, on /metrics and /cost', {
  timeout: 240_000,
}, async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return;
  const end = new Date(state.prometheus.historyEnd);
  const costing = new HindsightServer({
    watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    probeApiServer: false,
    prometheus: { url: state.prometheus.url },
    now: () => end,
    version: '0.0.0-test',
  });
  t.after(() => costing.stop());
  const { url: costUrl } = await costing.start();
  const metrics = await until(
    'the first cost run',
    200_000,
    async () => {
      const text = await (await fetch(`${costUrl}/metrics`)).text();
      return (sample(text, 'hindsight_cost_last_run_timestamp_seconds') ?? 0) > 0 ? text : undefined;
    },
    500,
  );
  const cli = await runCli(
    [
      'cost',
      '-o',
      'json',
      '--no-plan',
      '--prometheus',
      state.prometheus.url,
      '--end',
      state.prometheus.historyEnd,
    ],
    {
      env: { KUBECONFIG: state.kubeconfig, HOME: work, HINDSIGHT_NOW: state.prometheus.historyEnd },
    },
  );
  const report = JSON.parse(cli.stdout) as {
    now: { monthly: number };
    rightsizing?: { monthlySavings: number };
  };
  assert.ok(Math.abs((sample(metrics, 'hindsight_cost_nodes_monthly_usd') ?? 0) - report.now.monthly) < 0.01);
  assert.ok(report.rightsizing);
  assert.ok(
    Math.abs(
      (sample(metrics, 'hindsight_rightsizing_savings_monthly_usd') ?? 0) - report.rightsizing.monthlySavings,
    ) < 0.01,
  );
  assert.ok(metrics.includes('hindsight_rightsizing_recommended{'));
  const page = await fetch(`${costUrl}/cost`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Right-sizing: the biggest changes/);
});

test('hindsight serve as a process: prints where it listens, answers, stops on SIGTERM with exit 0', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--listen', '127.0.0.1:0'],
    {
      env: { ...process.env, KUBECONFIG: state.kubeconfig, HOME: work },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const listening = await until(
    'listening',
    20_000,
    async () => /listening on (http:\/\/\S+)/.exec(stderr)?.[1],
  );
  await until('ready', 60_000, async () =>
    (await fetch(`${listening}/readyz`)).status === 200 ? true : undefined,
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
