/**
 * The smoke proof of the test platform: the fixture the platform was loaded with reads back
 * through @kubernetes/client-node, pods on KWOK nodes run, and Prometheus answers PromQL over
 * the backfilled history with the numbers the fixture's ground truth says.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { generateCluster } from './fixtures/generate.ts';
import type { WorkloadTruth } from './fixtures/truth.ts';
import { requirePlatform } from './harness.ts';

function kubeConfigFor(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

async function promQuery(
  url: string,
  query: string,
  time: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query, time })}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  assert.equal(body.status, 'success', `query ${query}`);
  return body.data.result;
}

test('the loaded fixture reads back through @kubernetes/client-node', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  assert.ok(platform.fixture, 'the platform was started with a fixture');
  const expected = generateCluster({
    seed: platform.fixture.seed,
    scale: platform.fixture.scale as 'small',
    now: new Date(platform.fixture.now),
  }).objects;
  const count = (kind: string): number => expected.filter((o) => o.kind === kind).length;

  const kc = kubeConfigFor(platform.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const nodes = await core.listNode();
  assert.equal(nodes.items.length, count('Node'));
  const deployments = await apps.listDeploymentForAllNamespaces();
  assert.equal(deployments.items.length, count('Deployment'));
  const pods = await core.listPodForAllNamespaces({ limit: 100000 });
  assert.equal(pods.items.length, count('Pod'));
  const namespaces = await core.listNamespace();
  for (const ns of expected.filter((o) => o.kind === 'Namespace')) {
    assert.ok(
      namespaces.items.some((n) => n.metadata?.name === ns.metadata.name),
      `namespace ${ns.metadata.name}`,
    );
  }
  // Real EKS/Karpenter labels survive the round trip.
  const node = nodes.items[0];
  assert.ok(node?.metadata?.labels?.['node.kubernetes.io/instance-type']);
  assert.ok(node?.metadata?.labels?.['karpenter.sh/capacity-type']);
});

test('KWOK runs the nodes and the pods on them', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const core = kubeConfigFor(platform.kubeconfig).makeApiClient(CoreV1Api);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    const pods = await core.listPodForAllNamespaces({ limit: 100000 });
    const running = pods.items.filter(
      (p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded',
    );
    if (ready.length === nodes.items.length && running.length === pods.items.length) break;
    if (Date.now() > deadline) {
      assert.fail(
        `after 120 s: ${ready.length}/${nodes.items.length} nodes Ready, ${running.length}/${pods.items.length} pods running`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
});

test('Prometheus answers PromQL over the backfilled history, matching the ground truth', async (t) => {
  const platform = requirePlatform(t, { prometheus: true });
  if (!platform) return;
  assert.ok(
    platform.prometheus && platform.fixture?.truth,
    'the platform was loaded with history and its ground truth',
  );
  const { url, historyEnd } = platform.prometheus;
  const truth = JSON.parse(readFileSync(platform.fixture.truth, 'utf8')) as WorkloadTruth[];
  const at = String(new Date(historyEnd).getTime() / 1000);

  const series = await promQuery(
    url,
    'count(container_memory_working_set_bytes{container!="",container!="POD"})',
    at,
  );
  const containers = truth.reduce((n, w) => n + w.pods.length * w.containers.length, 0);
  assert.ok(series.length === 1, 'one count');
  const seen = Number(series[0]?.value[1]);
  assert.ok(
    seen > 0 && seen <= containers,
    `${seen} containers with memory series, ${containers} in the truth`,
  );

  // The max working set of a steady workload over the whole window, as Prometheus computes it,
  // is the truth's max for that container (up to float formatting).
  const steady = truth.find((w) => w.containers.some((c) => c.shape === 'steady'));
  assert.ok(steady, 'the fixture has a steady workload');
  const container = steady.containers.find((c) => c.shape === 'steady');
  assert.ok(container);
  const days = Math.round(
    (new Date(historyEnd).getTime() - new Date(platform.prometheus.historyStart).getTime()) / 86_400_000,
  );
  const query = `max(max_over_time(container_memory_working_set_bytes{namespace="${steady.namespace}",container="${container.name}",pod=~"${steady.pods.join('|')}"}[${days * 24 + 1}h]))`;
  const result = await promQuery(url, query, at);
  const max = Number(result[0]?.value[1]);
  assert.ok(
    Math.abs(max - container.true.memory.max) / container.true.memory.max < 0.01,
    `${max} vs truth ${container.true.memory.max}`,
  );

  const owners = await promQuery(url, 'count(kube_pod_owner)', at);
  assert.ok(Number(owners[0]?.value[1]) > 0, 'kube-state-metrics series are present');
});
