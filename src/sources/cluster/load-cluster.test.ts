import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { requirePlatform } from '../../../testenv/harness.ts';
import { issueClientCertificate } from '../../../testenv/pki.ts';
import { writeKubeconfig } from '../../../testenv/platform.ts';
import { runCli } from '../../testing/run-cli.ts';
import { loadCluster } from './load-cluster.ts';

function admin(kubeconfig: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

test('a live cluster reads into the same objects kubectl would list, in pages', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const core = admin(platform.kubeconfig).makeApiClient(CoreV1Api);
  const pods = await core.listPodForAllNamespaces({ limit: 100000 });
  const nodes = await core.listNode();
  // A page size far below the pod count proves continue tokens are followed.
  const result = await loadCluster({ env: {}, kubeconfig: platform.kubeconfig, pageSize: 7 });
  assert.deepEqual(result.errors, []);
  const kinds = (kind: string) => result.objects.filter((o) => o.object.kind === kind);
  assert.equal(kinds('Pod').length, pods.items.length);
  assert.equal(kinds('Node').length, nodes.items.length);
  assert.equal(kinds('Pod')[0]?.object.apiVersion, 'v1');
  // Secrets come as metadata only: names and types, never values.
  for (const s of kinds('Secret')) assert.equal(s.object.data, undefined);
});

test('scan of the live cluster through KUBECONFIG summarises what is there', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const core = admin(platform.kubeconfig).makeApiClient(CoreV1Api);
  const pods = await core.listPodForAllNamespaces({ limit: 100000 });
  const run = await runCli(['scan', '-o', 'json'], { env: { KUBECONFIG: platform.kubeconfig } });
  assert.equal(run.code, 0, run.stderr);
  const { summary } = JSON.parse(run.stdout);
  assert.equal(summary.totals.pods, pods.items.length);
  assert.ok(summary.totals.nodes > 0);
});

test('a user limited by RBAC gets what it may list, a warning per forbidden kind, and exit 3', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const kc = admin(platform.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const pods = await core.listPodForAllNamespaces({ limit: 100000 });
  const namespace = pods.items.find((p) => p.metadata?.namespace !== 'kube-system')?.metadata?.namespace;
  assert.ok(namespace, 'the fixture has application pods');
  const user = `viewer-${process.pid}`;
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: user },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: user },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  });
  const cert = issueClientCertificate(platform.pki.dir, user, user);
  const kubeconfig = join(platform.dir, `${user}.kubeconfig`);
  writeKubeconfig(kubeconfig, platform.server, platform.pki.caCert, { name: user, ...cert });

  const run = await runCli(['scan', '-o', 'json', '-n', namespace], { env: { KUBECONFIG: kubeconfig } });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /not allowed to list deployments\.apps in /);
  assert.match(run.stderr, /not allowed to list nodes/);
  const { summary } = JSON.parse(run.stdout);
  const expected = pods.items.filter((p) => p.metadata?.namespace === namespace).length;
  assert.equal(summary.totals.pods, expected);
});
