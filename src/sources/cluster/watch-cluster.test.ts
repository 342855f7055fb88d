/**
 * The watch against the real test platform: what it keeps repeats nothing it can share — pods of
 * one ReplicaSet hold one copy of their labels and containers' resources, and an update holds the
 * version it replaced for every part it did not change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { platformClient } from '../../../testenv/apply.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import type { KubeObject } from '../../core/resource.ts';
import { until } from '../../testing/until.ts';
import { ClusterWatch } from './watch-cluster.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test reads deep into pods
type Loose = Record<string, any>;

test('watched pods share what they repeat; an update shares what it did not change', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const work = mkdtempSync(join(tmpdir(), 'hindsight-watch-'));
  // Its own namespace each run: the last run's may still be terminating.
  const NS = `watch-sharing-${Date.now().toString(36)}`;
  const api = platformClient(state);
  const changes: { object: KubeObject; before?: KubeObject | undefined }[] = [];
  const watch = new ClusterWatch(
    { env: { KUBECONFIG: state.kubeconfig, HOME: work }, kinds: [['', 'Pod']] },
    { onChange: (type, object, _at, before) => type === 'MODIFIED' && changes.push({ object, before }) },
  );
  try {
    await api.json('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    });
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-1',
      uid: 'f2a1c0de-0000-4000-8000-000000000001',
      controller: true,
    };
    const pod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels: { app: 'web', tier: 'front' }, ownerReferences: [owner] },
      spec: {
        nodeName: 'not-a-node',
        containers: [
          {
            name: 'web',
            image: 'registry.example.com/web:1.0',
            resources: { requests: { cpu: '100m', memory: '64Mi' } },
          },
        ],
        tolerations: [{ key: 'spot', operator: 'Exists' }],
      },
    });
    for (const name of ['web-a', 'web-b']) await api.json('POST', `/api/v1/namespaces/${NS}/pods`, pod(name));
    await watch.start();
    const pods = () => watch.objects().filter((o) => o.metadata.namespace === NS) as unknown as Loose[];
    await until('both pods listed', 10_000, async () => (pods().length === 2 ? true : undefined));
    const [a, b] = pods() as [Loose, Loose];
    assert.notEqual(a.metadata.name, b.metadata.name);
    assert.equal(a.metadata.labels, b.metadata.labels, 'siblings hold one copy of their labels');
    assert.equal(a.spec.tolerations, b.spec.tolerations);
    assert.equal(a.spec.containers[0].resources, b.spec.containers[0].resources);
    assert.deepEqual(a.metadata.labels, { app: 'web', tier: 'front' });

    const current = (await api.json('GET', `/api/v1/namespaces/${NS}/pods/web-a`)) as Loose;
    current.metadata.annotations = { ...(current.metadata.annotations ?? {}), note: 'changed' };
    await api.json('PUT', `/api/v1/namespaces/${NS}/pods/web-a`, current);
    await until('the update seen', 10_000, async () =>
      changes.some((c) => c.object.metadata.name === 'web-a') ? true : undefined,
    );
    const change = changes.find((c) => c.object.metadata.name === 'web-a') as {
      object: Loose;
      before: Loose;
    };
    assert.equal(change.object.metadata.annotations.note, 'changed');
    assert.equal(change.before.metadata.annotations?.note, undefined, 'the version replaced is as it was');
    assert.equal(change.object.spec, change.before.spec, 'an unchanged spec is the one kept before');
    assert.equal(change.object.metadata.labels, change.before.metadata.labels);
  } finally {
    watch.stop();
    // Gone at once, not left terminating on a node no kubelet runs (other tests count pods).
    for (const name of ['web-a', 'web-b'])
      await api.send('DELETE', `/api/v1/namespaces/${NS}/pods/${name}?gracePeriodSeconds=0`);
    await until('the pods gone', 10_000, async () => {
      const list = (await api.json('GET', `/api/v1/namespaces/${NS}/pods`)) as { items: unknown[] };
      return list.items.length === 0 ? true : undefined;
    });
    await api.send('DELETE', `/api/v1/namespaces/${NS}`);
    api.close();
    rmSync(work, { recursive: true, force: true });
  }
});
