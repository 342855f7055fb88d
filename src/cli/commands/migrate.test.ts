/**
 * `hindsight migrate` on two real control planes side by side: the kops-like fixture loaded into
 * `old`, an EKS-like base into `new` (every controller on, KWOK nodes), both named as contexts of
 * one kubeconfig. The plan is held to the fixture's answers; the first namespaces are applied to
 * `new` as a user would after fixing their blockers — one right, one with a missing Secret and a
 * changed image, one whose claim was never restored — and verify says exactly that; once fixed,
 * `verify --watch` turns ready. Snapshots of both sides give the same plan offline.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ApiClient, applyObjects, platformClient } from '../../../testenv/apply.ts';
import { installCrdObjects } from '../../../testenv/crds.ts';
import {
  CERT_MANAGER_CRDS,
  certManagerWebhook,
  newClusterBase,
  oldClusterObjects,
  oldNodes,
  planAnswers,
  sortedTruth,
} from '../../../testenv/fixtures/migration.ts';
import { type PlatformState, startPlatform, stopPlatform } from '../../../testenv/platform.ts';
import type { MigrationPlan } from '../../analyzers/migrate/plan.ts';
import type { VerifyReport } from '../../analyzers/migrate/verify.ts';
import type { KubeObject } from '../../core/resource.ts';
import { runCli } from '../../testing/run-cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A field of an object the test built or read, as a mapping. */
const rec = (value: unknown) => value as Record<string, unknown>;
const first = (value: unknown) => rec((value as unknown[])[0]);

/** One kubeconfig naming both platforms as contexts `old` and `new`. */
function mergedKubeconfig(file: string, sides: Record<string, PlatformState>): void {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const [name, s] of Object.entries(sides))
    lines.push(
      `- name: ${name}`,
      '  cluster:',
      `    server: ${s.server}`,
      `    certificate-authority: ${s.pki.caCert}`,
    );
  lines.push('users:');
  for (const [name, s] of Object.entries(sides))
    lines.push(
      `- name: ${name}`,
      '  user:',
      `    client-certificate: ${s.pki.adminCert}`,
      `    client-key: ${s.pki.adminKey}`,
    );
  lines.push('contexts:');
  for (const name of Object.keys(sides))
    lines.push(`- name: ${name}`, '  context:', `    cluster: ${name}`, `    user: ${name}`);
  lines.push('current-context: old', '');
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
}

async function applyAll(api: ApiClient, objects: readonly unknown[]): Promise<void> {
  const report = await applyObjects(api, objects as KubeObject[]);
  assert.deepEqual(report.failed, [], 'every fixture object is created');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** The objects of some of the old side's namespaces, as the user applies them to the new side. */
function namespaces(objects: KubeObject[], names: string[]): KubeObject[] {
  return objects.filter((o) =>
    o.kind === 'Namespace'
      ? names.includes(o.metadata.name as string)
      : names.includes(o.metadata.namespace ?? ''),
  );
}

/** The payments namespace with its blockers fixed, but a Secret left behind and a newer image. */
function paymentsOnNew(objects: KubeObject[]): KubeObject[] {
  return namespaces(objects, ['payments'])
    .filter((o) => o.kind !== 'Secret')
    .map((o) => {
      if (o.kind !== 'Deployment') return o;
      const d = structuredClone(o);
      const pod = rec(rec(d.spec).template);
      delete rec(pod.spec).nodeSelector; // the kops label: fixed
      delete rec(pod.metadata).annotations; // kube2iam: IRSA instead
      first(rec(pod.spec).containers).image = 'registry.example.com/payments/api:1.4.3';
      return d;
    });
}

/** accounting as applied without its volume restored: the claim asks gp3, which nothing provisions here. */
function accountingOnNew(objects: KubeObject[]): KubeObject[] {
  return namespaces(objects, ['accounting']).map((o) => {
    if (o.kind !== 'PersistentVolumeClaim' && o.kind !== 'StatefulSet') return o;
    const copy = structuredClone(o);
    if (o.kind === 'PersistentVolumeClaim') rec(copy.spec).storageClassName = 'gp3';
    else rec(first(rec(copy.spec).volumeClaimTemplates).spec).storageClassName = 'gp3';
    return copy;
  });
}

async function planJson(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<MigrationPlan> {
  const run = await runCli(['migrate', 'plan', ...args, '-o', 'json'], { env, ...(cwd ? { cwd } : {}) });
  assert.equal(run.code, 1, `the fixture's plan is blocked: ${run.stderr}`);
  return JSON.parse(run.stdout) as MigrationPlan;
}

test('migrate on two control planes: the plan, verify parity and differences, verify --watch, snapshots', {
  timeout: 600_000,
}, async (t) => {
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('needs the test platform; skipped because HINDSIGHT_TESTENV=off');
    return;
  }
  const [old, neu] = await Promise.all([
    startPlatform({ name: 'old', controllers: 'all' }),
    startPlatform({ name: 'new', controllers: 'all' }),
  ]);
  const oldApi = platformClient(old);
  const newApi = platformClient(neu);
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-migrate-'));
  t.after(async () => {
    oldApi.close();
    newApi.close();
    await Promise.all([stopPlatform(old), stopPlatform(neu)]);
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  mergedKubeconfig(kubeconfig, { old, new: neu });
  const env = { HOME: dir, KUBECONFIG: kubeconfig, HINDSIGHT_NOW: new Date().toISOString() };

  await Promise.all([
    installCrdObjects(oldApi, CERT_MANAGER_CRDS),
    installCrdObjects(newApi, CERT_MANAGER_CRDS),
  ]);
  await applyAll(oldApi, [...oldNodes(), ...oldClusterObjects()]);
  // Created after the Certificates it admits: the fixture's webhook pods serve nothing.
  await applyAll(oldApi, [certManagerWebhook()]);
  await applyAll(newApi, newClusterBase());

  // The plan, live, holds to the fixture's answers.
  const live = await planJson(['--from', 'old', '--to', 'new'], env);
  assert.deepEqual(planAnswers(live), sortedTruth());
  assert.match(live.targetVersion ?? '', /^v1\.35\./);
  assert.equal(live.deadline.kops, true);
  assert.deepEqual(
    live.deadline.controlPlane.map((c) => c.node),
    ['master-us-east-1a-1'],
  );
  assert.deepEqual(
    live.deadline.etcdManager.map((e) => [e.version, e.oneYearCertificates]),
    [['3.0.20200116', true]],
  );
  const markdown = await runCli(['migrate', 'plan', '--from', 'old', '--to', 'new'], { env });
  assert.match(markdown.stdout, /^## Step 0 — cluster prerequisites on the target$/m);
  assert.match(markdown.stdout, /^- \[ \] StorageClass gp2 — \*\*MISSING on the target\*\*/m);

  // Offline: snapshots of both sides give the same plan.
  for (const side of ['old', 'new']) {
    const snap = await runCli(['snapshot', '--context', side, '-f', join(dir, `${side}.json`)], { env });
    assert.equal(snap.code, 0, snap.stderr);
  }
  const offline = await planJson(['--from', 'old.json', '--to', 'new.json'], env, dir);
  const named = JSON.stringify(offline).replaceAll('old.json', 'old').replaceAll('new.json', 'new');
  assert.deepEqual(JSON.parse(named), live, 'the snapshot plan equals the live plan');

  // The first namespaces moved: cert-manager right, payments and accounting each with a mistake.
  const objects = oldClusterObjects();
  await applyAll(newApi, [
    ...namespaces(objects, ['cert-manager']),
    ...accountingOnNew(objects),
    ...paymentsOnNew(objects),
  ]);
  await waitFor('the moved Deployments to be ready on new', async () => {
    const list = await newApi.json<{ items: KubeObject[] }>('GET', '/apis/apps/v1/deployments');
    const ready = (n: string) =>
      list.items.some(
        (d) => d.metadata.name === n && (d.status as { readyReplicas?: number })?.readyReplicas === 2,
      );
    if (
      !ready('api') ||
      !list.items.some(
        (d) => d.metadata.name === 'cert-manager-webhook' && rec(d.status)?.readyReplicas === 1,
      )
    )
      return false;
    // The EndpointSlice controller follows the pods a moment later; verify reads the slices.
    const slices = await newApi.json<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>(
      'GET',
      '/apis/discovery.k8s.io/v1/namespaces/cert-manager/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dcert-manager-webhook',
    );
    return slices.items.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready === true));
  });
  const ns = ['-n', 'cert-manager', '-n', 'accounting', '-n', 'payments'];
  const firstRun = await runCli(['migrate', 'verify', '--from', 'old', '--to', 'new', ...ns, '-o', 'json'], {
    env,
  });
  assert.equal(firstRun.code, 1, firstRun.stderr);
  const report = JSON.parse(firstRun.stdout) as VerifyReport;
  const by = (n: string) => report.namespaces.find((x) => x.namespace === n);
  t.diagnostic(
    report.namespaces.map((n) => `${n.namespace}: ${n.differences.join(' | ') || 'ready'}`).join('\n'),
  );
  assert.equal(by('cert-manager')?.ready, true, by('cert-manager')?.differences.join('\n'));
  const payments = by('payments')?.differences ?? [];
  assert.ok(
    payments.some((d) => d.startsWith('Secret/payments/payments-db is missing on the target')),
    payments.join('\n'),
  );
  assert.ok(
    payments.some((d) => d.includes('registry.example.com/payments/api:1.4.2') && d.includes('api:1.4.3')),
    payments.join('\n'),
  );
  assert.ok(
    payments.some((d) => d.startsWith('Ingress/payments/api')),
    payments.join('\n'),
  );
  assert.equal(payments.length, 3, payments.join('\n'));
  const accounting = by('accounting')?.differences ?? [];
  assert.ok(
    accounting.some((d) => d.startsWith('PersistentVolumeClaim/accounting/data-ledger-0') && /Bound/.test(d)),
    accounting.join('\n'),
  );
  const notMoved = await runCli(['migrate', 'verify', '--from', 'old', '--to', 'new', '-n', 'web'], { env });
  assert.equal(notMoved.code, 1);
  assert.match(notMoved.stdout, /^web: not on the target yet$/m);

  // Fixed while verify --watch runs: the Secret, the image, the ingress address, the restored volume.
  const watch = runCli(
    [
      'migrate',
      'verify',
      '--from',
      'old',
      '--to',
      'new',
      '-n',
      'payments',
      '-n',
      'accounting',
      '--watch',
      '--interval',
      '2s',
      '--timeout',
      '150s',
    ],
    { env },
  );
  await sleep(3000);
  await fixOnNew(newApi);
  const done = await watch;
  t.diagnostic(done.stdout);
  assert.equal(done.code, 0, done.stdout.slice(-3000));
  assert.match(done.stdout, /^payments: ready for DNS cutover/m);
  assert.match(done.stdout, /^accounting: ready for DNS cutover/m);
  assert.match(done.stdout, /^verdict: ready for DNS cutover$/m);
  assert.match(
    done.stdout,
    /^ {2}Ingress\/payments\/api: load balancer address k8s-payments-api-0123456789\.elb\.us-east-1\.amazonaws\.com on the target$/m,
  );
  assert.match(done.stdout, /^check 2 at /m, 'watch checked more than once');
});

/** What the user does after the first verify: each difference it named, fixed on the new side. */
async function fixOnNew(api: ApiClient): Promise<void> {
  await applyAll(api, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'payments-db', namespace: 'payments' },
      type: 'Opaque',
      stringData: { password: 'restored' },
    },
    // The volume restored from the old one's snapshot, pre-bound to the claim.
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'ledger-restored' },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'gp3',
        csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0fedcba9876543210', fsType: 'ext4' },
        claimRef: { namespace: 'accounting', name: 'data-ledger-0' },
      },
    },
  ]);
  const path = '/apis/apps/v1/namespaces/payments/deployments/api';
  const deployment = await api.json<KubeObject>('GET', path);
  first(rec(rec(rec(deployment.spec).template).spec).containers).image =
    'registry.example.com/payments/api:1.4.2';
  const put = await api.send('PUT', path, deployment);
  assert.equal(put.status, 200, put.body);
  // The address an ingress controller writes once it serves the Ingress.
  const ingressPath = '/apis/networking.k8s.io/v1/namespaces/payments/ingresses/api';
  const ingress = await api.json<KubeObject>('GET', ingressPath);
  const status = await api.send('PUT', `${ingressPath}/status`, {
    ...ingress,
    status: {
      loadBalancer: { ingress: [{ hostname: 'k8s-payments-api-0123456789.elb.us-east-1.amazonaws.com' }] },
    },
  });
  assert.equal(status.status, 200, status.body);
}
