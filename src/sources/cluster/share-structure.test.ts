import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KubeObject } from '../../core/resource.ts';
import { StructureSharer } from './share-structure.ts';

/** A pod of ReplicaSet `rs` as the API server sends it: a fresh parse each time. */
function pod(
  name: string,
  opts: { rs?: string; image?: string; node?: string; token?: string } = {},
): KubeObject {
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'shop',
        uid: `uid-${name}`,
        labels: { app: 'web', 'pod-template-hash': 'abc' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-abc',
            uid: opts.rs ?? 'rs-1',
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: opts.node ?? 'node-1',
        containers: [
          {
            name: 'web',
            image: opts.image ?? 'shop/web:1.0',
            resources: { requests: { cpu: '100m', memory: '128Mi' } },
            volumeMounts: [{ name: opts.token ?? 'kube-api-access-aaaaa', mountPath: '/var/run/secrets' }],
          },
        ],
        tolerations: [{ key: 'spot', operator: 'Exists' }],
      },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    }),
  ) as KubeObject;
}

// biome-ignore lint/suspicious/noExplicitAny: test reads deep into the fixture
const spec = (o: KubeObject) => o.spec as Record<string, any>;

test('pods of one ReplicaSet share every equal part; what differs stays their own', () => {
  const sharer = new StructureSharer();
  const a = sharer.share(pod('a'));
  const b = sharer.share(pod('b', { node: 'node-2', token: 'kube-api-access-bbbbb' }));
  assert.equal(b.metadata.labels, a.metadata.labels);
  assert.equal(b.metadata.ownerReferences, a.metadata.ownerReferences);
  assert.equal(spec(b).tolerations, spec(a).tolerations);
  assert.equal(spec(b).containers[0].resources, spec(a).containers[0].resources);
  assert.equal(b.status, a.status);
  // The container differs (its token volume), so it is b's own, as is its node.
  assert.notEqual(spec(b).containers[0], spec(a).containers[0]);
  assert.equal(spec(b).containers[0].volumeMounts[0].name, 'kube-api-access-bbbbb');
  assert.equal(spec(a).containers[0].volumeMounts[0].name, 'kube-api-access-aaaaa');
  assert.equal(spec(b).nodeName, 'node-2');
  assert.equal(spec(a).nodeName, 'node-1');
  assert.equal(b.metadata.name, 'b');
  assert.equal(a.metadata.name, 'a');
  // Nothing of a was written: it is what it was parsed as.
  assert.deepEqual(a, pod('a'));
  assert.deepEqual(b, pod('b', { node: 'node-2', token: 'kube-api-access-bbbbb' }));
});

test('a new version shares with the version it replaces, not with its group', () => {
  const sharer = new StructureSharer();
  const v1 = sharer.share(pod('a'));
  sharer.share(pod('other', { image: 'shop/web:2.0' }));
  const v2 = sharer.share(pod('a', { image: 'shop/web:1.1' }), v1);
  assert.equal(spec(v2).tolerations, spec(v1).tolerations);
  assert.equal(spec(v2).containers[0].resources, spec(v1).containers[0].resources);
  assert.equal(spec(v2).containers[0].image, 'shop/web:1.1');
  assert.equal(spec(v1).containers[0].image, 'shop/web:1.0');
  // An unchanged version is the kept one, part for part.
  const v3 = sharer.share(pod('a', { image: 'shop/web:1.1' }), v2);
  assert.equal(v3.spec, v2.spec);
  assert.equal(v3.metadata, v2.metadata);
});

test('objects under different controllers or kinds are not merged with each other', () => {
  const sharer = new StructureSharer();
  const a = sharer.share(pod('a', { rs: 'rs-1' }));
  const b = sharer.share(pod('b', { rs: 'rs-2' }));
  assert.notEqual(spec(b).tolerations, spec(a).tolerations);
  assert.deepEqual(spec(b).tolerations, spec(a).tolerations);
});

test('keys added or removed, arrays of another length and type changes are seen', () => {
  const sharer = new StructureSharer();
  const a = sharer.share(pod('a'));
  const changed = pod('b');
  spec(changed).tolerations.push({ key: 'gpu', operator: 'Exists' });
  delete spec(changed).containers[0].resources.requests.memory;
  (changed.status as Record<string, unknown>).phase = ['Running'];
  const b = sharer.share(changed);
  assert.equal(spec(b).tolerations.length, 2);
  assert.equal(spec(b).tolerations[0], spec(a).tolerations[0]);
  assert.deepEqual(spec(b).containers[0].resources.requests, { cpu: '100m' });
  assert.deepEqual(spec(a).containers[0].resources.requests, { cpu: '100m', memory: '128Mi' });
  assert.deepEqual((b.status as Record<string, unknown>).phase, ['Running']);
  assert.equal((a.status as Record<string, unknown>).phase, 'Running');
});

test('a key named __proto__ stays data and changes no prototype', () => {
  const sharer = new StructureSharer();
  sharer.share(pod('a'));
  const hostile = JSON.parse(
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"h","namespace":"shop","labels":{"__proto__":{"polluted":true}}},"spec":{}}',
  ) as KubeObject;
  const kept = sharer.share(hostile);
  assert.equal(Object.getPrototypeOf(kept.metadata.labels), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('deep nesting is kept as is, without exhausting the stack', () => {
  const sharer = new StructureSharer({ freeze: true });
  const depth = 20_000;
  const make = () =>
    JSON.parse(
      `{"apiVersion":"x/v1","kind":"Thing","metadata":{"name":"t"},"spec":${'{"next":'.repeat(depth)}"leaf"${'}'.repeat(depth)}}`,
    ) as KubeObject;
  const first = sharer.share(make());
  const second = sharer.share(make(), first);
  let node: unknown = second.spec;
  let levels = 0;
  while (typeof node === 'object' && node !== null) {
    node = (node as { next: unknown }).next;
    levels++;
  }
  assert.equal(levels, depth);
  assert.equal(node, 'leaf');
});

test('with freeze, a kept object cannot be written', () => {
  const sharer = new StructureSharer({ freeze: true });
  const a = sharer.share(pod('a'));
  assert.throws(() => {
    spec(a).containers[0].image = 'evil';
  }, TypeError);
  assert.throws(() => {
    (a.metadata.labels as Record<string, string>).app = 'x';
  }, TypeError);
});

test('groups whose last object is gone are forgotten (a CronJob starting Jobs all day)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const sharer = new StructureSharer();
  for (let i = 0; i < 50; i++) sharer.share(pod(`job-${i}`, { rs: `job-uid-${i}` }));
  const kept = sharer.share(pod('web', { rs: 'rs-1' }));
  assert.ok(sharer.size > 1);
  // The 50 Jobs' pods are referenced by nothing now: once collected, their groups go.
  for (let i = 0; i < 50 && sharer.size > 1; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    gc();
  }
  assert.equal(sharer.size, 1);
  assert.equal(kept.metadata.name, 'web');
});

/** A Deployment and one of its ReplicaSets as the API server sends them (fresh parses). */
function workload(kind: 'Deployment' | 'ReplicaSet', opts: { image?: string } = {}): KubeObject {
  const template = {
    metadata: { labels: { app: 'web', ...(kind === 'ReplicaSet' ? { 'pod-template-hash': 'abc' } : {}) } },
    spec: {
      containers: [
        {
          name: 'web',
          image: opts.image ?? 'shop/web:1.0',
          resources: { requests: { cpu: '100m', memory: '128Mi' } },
        },
      ],
      tolerations: [{ key: 'spot', operator: 'Exists' }],
    },
  };
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind,
      metadata: {
        name: kind === 'Deployment' ? 'web' : 'web-abc',
        namespace: 'shop',
        uid: kind === 'Deployment' ? 'deploy-1' : 'rs-1',
        ...(kind === 'ReplicaSet'
          ? {
              ownerReferences: [
                { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-1', controller: true },
              ],
            }
          : {}),
      },
      spec: { replicas: 2, template },
    }),
  ) as KubeObject;
}

// biome-ignore lint/suspicious/noExplicitAny: test reads deep into the fixture
const template = (o: KubeObject) => (o.spec as Record<string, any>).template;

test("the first of a controller's objects shares the controller's pod template, which is not written", () => {
  const sharer = new StructureSharer({ freeze: true });
  const deployment = sharer.share(workload('Deployment'));
  const rs = sharer.share(workload('ReplicaSet'));
  // The ReplicaSet's pod spec is its Deployment's; its template's labels (pod-template-hash) its own.
  assert.equal(template(rs).spec, template(deployment).spec);
  assert.notEqual(template(rs).metadata, template(deployment).metadata);
  assert.equal(template(rs).metadata.labels['pod-template-hash'], 'abc');
  // The first pod of the ReplicaSet shares what its spec repeats of the template.
  const first = sharer.share(pod('a'));
  assert.equal(spec(first).tolerations, template(rs).spec.tolerations);
  assert.equal(spec(first).containers[0].resources, template(rs).spec.containers[0].resources);
  assert.notEqual(spec(first).containers[0], template(rs).spec.containers[0]);
  assert.equal(spec(first).nodeName, 'node-1');
  // Nothing was written to the controllers or taken from them that differs.
  assert.deepEqual(deployment, workload('Deployment'));
  assert.deepEqual(rs, workload('ReplicaSet'));
  assert.deepEqual(first, pod('a'));
  // A template that differs (a new image) shares only what is equal.
  const other = sharer.share(
    JSON.parse(
      JSON.stringify({
        ...workload('ReplicaSet', { image: 'shop/web:2.0' }),
        metadata: { ...workload('ReplicaSet').metadata, uid: 'rs-2', name: 'web-def' },
      }),
    ) as KubeObject,
    undefined,
  );
  assert.equal(template(other).spec.containers[0].image, 'shop/web:2.0');
  assert.equal(template(deployment).spec.containers[0].image, 'shop/web:1.0');
});

test('an object without its controller kept, or kept after its children, is merged as before', () => {
  const sharer = new StructureSharer();
  const rs = sharer.share(workload('ReplicaSet'));
  const deployment = sharer.share(workload('Deployment'));
  assert.notEqual(template(rs).spec, template(deployment).spec);
  assert.deepEqual(template(rs).spec, template(deployment).spec);
});

test("a pod's address lists keep their content, and a kept pod's are never written", () => {
  const sharer = new StructureSharer({ freeze: true });
  const withAddresses = (name: string, ip: string) => {
    const p = pod(name);
    Object.assign(p.status as object, {
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '10.1.0.7',
      hostIPs: [{ ip: '10.1.0.7' }],
    });
    return JSON.parse(JSON.stringify(p)) as KubeObject;
  };
  const a = sharer.share(withAddresses('a', '10.0.0.1'));
  const b = sharer.share(withAddresses('b', '10.0.0.2'));
  const again = sharer.share(withAddresses('a', '10.0.0.1'), a);
  assert.deepEqual(a, withAddresses('a', '10.0.0.1'));
  assert.deepEqual(b, withAddresses('b', '10.0.0.2'));
  assert.equal(again.status, a.status);
  // Pods on one node share the node's address list.
  // biome-ignore lint/suspicious/noExplicitAny: test reads deep into the fixture
  assert.equal((b.status as any).hostIPs, (a.status as any).hostIPs);
});
