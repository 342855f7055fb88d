import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCluster } from '../../testenv/fixtures/generate.ts';
import { Rng } from '../../testenv/fixtures/random.ts';
import type { Finding } from '../core/finding.ts';
import { type KubeObject, refKey, refOf } from '../core/resource.ts';
import { buildInventory, changedParts, partsOfChange } from '../inventory/inventory.ts';
import { ALL_RULES } from '../rules/registry.ts';
import { IncrementalRules } from './incremental.ts';
import { runRules } from './run-rules.ts';

const NOW = new Date('2026-11-12T10:00:00Z');

function digest(findings: readonly Finding[]): string[] {
  return findings.map((f) =>
    JSON.stringify([refKey(f.ref), f.ruleId, f.messageId, f.severity, f.container, f.message, f.path]),
  );
}

/**
 * Changes that matter to rules: what the pods report, labels that selectors and namespaces
 * match, replicas, limits, node capacity types; objects deleted and copied under a new name.
 */
function mutate(object: KubeObject, pick: () => number): KubeObject | undefined {
  const o = structuredClone(object);
  const spec = o.spec as Record<string, unknown> | undefined;
  const choice = Math.floor(pick() * 7);
  if (choice === 0 || choice === 6) return undefined;
  if (choice === 1) {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), [`hindsight.test/l${Math.floor(pick() * 3)}`]: 'x' };
    if (o.kind === 'Namespace') o.metadata.labels['pod-security.kubernetes.io/enforce'] = 'restricted';
    if (o.kind === 'Node')
      o.metadata.labels['karpenter.sh/capacity-type'] = pick() < 0.5 ? 'spot' : 'on-demand';
  } else if (choice === 2 && o.kind === 'Pod') {
    const status = (o.status ?? {}) as Record<string, unknown>;
    status.phase = pick() < 0.5 ? 'Failed' : 'Running';
    if (Array.isArray(status.containerStatuses))
      for (const c of status.containerStatuses as Record<string, unknown>[]) {
        c.restartCount = 7;
        c.lastState = {
          terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-12T09:00:00Z' },
        };
      }
    o.status = status;
  } else if (choice === 2 && o.kind === 'Event') {
    // An event repeating, or turning into a warning about its object.
    const event = o as unknown as Record<string, unknown>;
    event.count = 40;
    event.type = 'Warning';
    event.reason = pick() < 0.5 ? 'BackOff' : 'FailedScheduling';
    event.lastTimestamp = '2026-11-12T09:59:00Z';
  } else if (choice === 3 && spec && typeof spec.replicas === 'number') {
    spec.replicas = spec.replicas === 1 ? 3 : 1;
  } else if (choice === 4) {
    const template = (spec?.template as { spec?: { containers?: Record<string, unknown>[] } } | undefined)
      ?.spec;
    const containers = template?.containers ?? (spec?.containers as Record<string, unknown>[] | undefined);
    if (Array.isArray(containers) && containers[0]) delete containers[0].resources;
    else o.metadata.annotations = { ...(o.metadata.annotations ?? {}), touched: 'yes' };
  } else if (choice === 5 && pick() < 0.5) {
    // Scraping by annotation switched on or off: whether the cluster scrapes that way at all.
    const template = (spec?.template as { metadata?: { annotations?: Record<string, string> } } | undefined)
      ?.metadata;
    const annotations = (template ?? o.metadata).annotations ?? {};
    if ('prometheus.io/scrape' in annotations) delete annotations['prometheus.io/scrape'];
    else annotations['prometheus.io/scrape'] = 'true';
    if (template) template.annotations = annotations;
    else o.metadata.annotations = annotations;
  } else {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), touched: String(pick()) };
  }
  return o;
}

for (const live of [false, true])
  test(`an incremental evaluation equals a full one after every round of random changes${live ? ', on a live inventory changed in place' : ''}`, () => {
    randomRounds(live);
  });

test('kept checks whose generation wraps around (8 told apart) still give what a full run gives', () => {
  const fulls = randomRounds(true, 8);
  // Every sixth evaluation or so is made full so that no kept check is 8 generations old.
  assert.ok(fulls >= 10, `${fulls} evaluations made full`);
});

/**
 * Rounds of random changes, each evaluated incrementally and compared with `runRules` on an
 * inventory built afresh. `live`: the evaluated inventory is one kept current in place
 * (`upsert`, `remove`, `forget`), as `hindsight serve` keeps it; otherwise rebuilt each round.
 */
function randomRounds(live: boolean, generations?: number): number {
  const fixture = generateCluster({ seed: 3, scale: 'small' });
  const byKey = new Map<string, KubeObject>(fixture.objects.map((o) => [refKey(refOf(o)), o]));
  const inventoryOf = () =>
    buildInventory([...byKey.values()].map((object) => ({ object, origin: { source: 'cluster' } })));
  const kept = inventoryOf();
  const engine = new IncrementalRules({ rules: ALL_RULES, ...(generations ? { generations } : {}) });
  const first = engine.evaluate(live ? kept : inventoryOf(), NOW, 'all');
  assert.ok(first.findings.length > 50, 'the fixture has findings to keep current');
  assert.equal(first.reused, 0);

  const rng = new Rng(11);
  const pick = () => rng.next();
  let reusedTotal = 0;
  let fulls = 0;
  const WORKLOAD_PARTS = new Set(['Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'Service']);
  for (let round = 0; round < 80; round++) {
    const parts = new Set<string>();
    const keys = [...byKey.keys()];
    // Mostly a few changes in one namespace among pods and their controllers (deleting a
    // controller orphans its pods), sometimes anything anywhere, now and then a burst.
    const namespaces = [...new Set([...byKey.values()].map((o) => o.metadata.namespace).filter(Boolean))];
    const namespace = namespaces[Math.floor(pick() * namespaces.length)];
    const near = keys.filter((k) => {
      const o = byKey.get(k) as KubeObject;
      return o.metadata.namespace === namespace && WORKLOAD_PARTS.has(o.kind);
    });
    const count = round % 10 === 9 ? 25 : 1 + Math.floor(pick() * 4);
    for (let i = 0; i < count; i++) {
      // Anything anywhere: a kind first, so that the few PDBs, Services and NodePools are
      // changed as often as the many pods.
      const present = [...byKey.values()];
      const kinds = [...new Set(present.map((o) => o.kind))];
      const kind = kinds[Math.floor(pick() * kinds.length)];
      const from =
        near.length > 0 && pick() < 0.5
          ? near
          : present.filter((o) => o.kind === kind).map((o) => refKey(refOf(o)));
      const key = from[Math.floor(pick() * from.length)] as string;
      const before = byKey.get(key);
      if (!before) continue;
      for (const p of changedParts(before)) parts.add(p);
      const after = mutate(before, pick);
      if (!after) {
        byKey.delete(key);
        kept.remove(refOf(before));
      } else if (pick() < 0.15 && before.kind !== 'Namespace' && before.kind !== 'Node') {
        // A copy under another name (a new object), the original left as it was.
        after.metadata.name = `${before.metadata.name}-copy${round}`;
        byKey.set(refKey(refOf(after)), after);
        kept.upsert(after, { source: 'cluster' });
        for (const p of changedParts(after)) parts.add(p);
      } else {
        byKey.set(key, after);
        kept.upsert(after, { source: 'cluster' });
        for (const p of changedParts(after)) parts.add(p);
      }
    }
    kept.forget(parts);
    const inventory = live ? kept : inventoryOf();
    // Now and then a full evaluation in between (it starts the part ids afresh).
    const incremental = engine.evaluate(inventory, NOW, round % 20 === 19 ? 'all' : parts);
    const full = runRules(inventoryOf(), { rules: ALL_RULES, now: NOW });
    assert.deepEqual(digest(incremental.findings), digest(full.findings), `round ${round}: findings`);
    assert.equal(incremental.score, full.score, `round ${round}: score`);
    assert.deepEqual([...incremental.stats], [...full.stats], `round ${round}: stats`);
    reusedTotal += incremental.reused;
    if (incremental.reused === 0) fulls++;
    // With few generations told apart, some evaluations are made full (nothing reused).
    if (count < 5 && (generations === undefined || incremental.reused > 0))
      assert.ok(incremental.reused > incremental.checked, `round ${round}: most results reused`);
  }
  assert.ok(reusedTotal > 0);
  return fulls;
}

test('no change checks nothing again; a full evaluation checks everything', () => {
  const fixture = generateCluster({ seed: 1, scale: 'small' });
  const inventory = buildInventory(fixture.objects.map((object) => ({ object, origin: { source: 'c' } })));
  const engine = new IncrementalRules({ rules: ALL_RULES });
  const first = engine.evaluate(inventory, NOW, 'all');
  const again = engine.evaluate(inventory, NOW, []);
  assert.equal(again.checked, 0);
  assert.equal(again.reused, first.checked);
  assert.deepEqual(digest(again.findings), digest(first.findings));
  const full = engine.evaluate(inventory, NOW, 'all');
  assert.equal(full.checked, first.checked);
});

test('objects that came and went under new names are forgotten by the next full evaluation', () => {
  const fixture = generateCluster({ seed: 1, scale: 'small' });
  const inventory = buildInventory(fixture.objects.map((object) => ({ object, origin: { source: 'c' } })));
  const engine = new IncrementalRules({ rules: ALL_RULES });
  const first = engine.evaluate(inventory, NOW, 'all');
  const known = engine.partCount;
  const pod = fixture.objects.find((o) => o.kind === 'Pod') as KubeObject;
  // A CronJob's runs: pods under new names, each there for one evaluation.
  for (let run = 0; run < 30; run++) {
    const copy = structuredClone(pod);
    copy.metadata.name = `${pod.metadata.name}-run${run}`;
    inventory.upsert(copy, { source: 'c' });
    const parts = new Set(changedParts(copy));
    inventory.forget(parts);
    engine.evaluate(inventory, NOW, parts);
    inventory.remove(refOf(copy));
    inventory.forget(parts);
    engine.evaluate(inventory, NOW, parts);
  }
  assert.ok(
    engine.partCount >= known + 30,
    `each run's pod was a part (${engine.partCount} >= ${known} + 30)`,
  );
  const again = engine.evaluate(inventory, NOW, 'all');
  assert.equal(engine.partCount, known, 'only the parts of what is present are kept');
  assert.deepEqual(digest(again.findings), digest(first.findings));
  // And incremental evaluations after it are still right.
  const copy = structuredClone(pod);
  copy.spec = { ...(copy.spec as object), hostNetwork: true };
  inventory.upsert(copy, { source: 'c' });
  const parts = new Set(changedParts(copy));
  inventory.forget(parts);
  const changed = engine.evaluate(inventory, NOW, parts);
  const expected = runRules(inventory, { rules: ALL_RULES, now: NOW });
  assert.deepEqual(digest(changed.findings), digest(expected.findings));
  assert.ok(changed.reused > changed.checked);
});

test('a pod re-checks the EBS attach count of its own node only, and the count stays right', async () => {
  const { loadManifests } = await import('../sources/manifests/load-manifests.ts');
  const fixture = new URL('../rules/node-ebs-attach-limit/fixtures/invalid/near-limit.yaml', import.meta.url);
  const loaded = await loadManifests([fixture.pathname]);
  const other: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'ip-10-0-99-1.ec2.internal',
      labels: { 'node.kubernetes.io/instance-type': 'r6i.large' },
    },
  };
  const origin = { source: 'cluster' };
  const objects = [...loaded.objects.map((o) => o.object), other];
  const live = buildInventory(objects.map((object) => ({ object, origin })));
  const rules = ALL_RULES.filter((r) => r.id === 'node-ebs-attach-limit');
  const engine = new IncrementalRules({ rules });
  assert.equal(engine.evaluate(live, NOW, 'all').findings.length, 1, 'the fixture node is near its limit');

  // A pod on the other node changes: the busy node is not checked again.
  const elsewhere = structuredClone(objects.find((o) => o.kind === 'Pod') as KubeObject);
  elsewhere.metadata.name = 'elsewhere';
  (elsewhere.spec as { nodeName: string }).nodeName = other.metadata.name as string;
  let parts = new Set(changedParts(elsewhere));
  live.upsert(elsewhere, origin);
  live.forget(parts);
  const moved = engine.evaluate(live, NOW, parts);
  assert.equal(moved.checked, 1, 'only the node the pod is bound to');

  // Pods leave the busy node until it is below the threshold: its finding goes.
  parts = new Set();
  const busy = objects.filter((o) => o.kind === 'Pod' && o.metadata.name !== 'elsewhere').slice(0, 3);
  for (const pod of busy) {
    for (const p of changedParts(pod)) parts.add(p);
    live.remove(refOf(pod));
  }
  live.forget(parts);
  const after = engine.evaluate(live, NOW, parts);
  const fresh = runRules(buildInventory(live.all().map((e) => ({ object: e.object, origin }))), {
    rules,
    now: NOW,
  });
  assert.deepEqual(digest(after.findings), digest(fresh.findings));
  assert.equal(after.findings.length, 0, 'fewer volumes: no longer near the limit');
});

test('when the clock moves, re-running the checks that read it gives what a full run gives at that instant', () => {
  const objects = structuredClone(generateCluster({ seed: 3, scale: 'small' }).objects);
  // What reads the clock: OOM kills that go stale after 7 days, an exemption that expires, and
  // the fixture's own ages (crash loops, Pending claims, running Jobs).
  const first = runRules(
    buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } }))),
    { rules: ALL_RULES, now: NOW },
  );
  const onDeployment = first.findings.find((f) => f.ref.kind === 'Deployment');
  assert.ok(onDeployment, 'a finding on a Deployment to exempt');
  let killed = 0;
  for (const o of objects) {
    if (o.kind === 'Pod' && killed < 5) {
      const statuses = (o.status as { containerStatuses?: Record<string, unknown>[] } | undefined)
        ?.containerStatuses;
      if (!statuses?.[0]) continue;
      statuses[0].restartCount = 3;
      statuses[0].lastState = {
        terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-06T10:00:00Z' },
      };
      killed++;
    }
    if (refKey(refOf(o)) === refKey(onDeployment.ref))
      o.metadata.annotations = {
        ...(o.metadata.annotations ?? {}),
        [`exempt.hindsight.dev/${onDeployment.ruleId}`]: 'accepted for the migration; expires=2026-11-14',
      };
  }
  const inventory = buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } })));
  const engine = new IncrementalRules({ rules: ALL_RULES });
  const stale = new IncrementalRules({ rules: ALL_RULES });
  const start = engine.evaluate(inventory, NOW, 'all');
  stale.evaluate(inventory, NOW, 'all');
  let differed = 0;
  for (const hours of [1, 30, 72, 24 * 8, 24 * 400]) {
    const at = new Date(NOW.getTime() + hours * 3600_000);
    inventory.forget(new Set(['clock']));
    const moved = engine.evaluate(inventory, at, new Set(['clock']));
    const full = runRules(
      buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } }))),
      { rules: ALL_RULES, now: at },
    );
    assert.deepEqual(digest(moved.findings), digest(full.findings), `+${hours} h: findings`);
    assert.equal(moved.score, full.score, `+${hours} h: score`);
    assert.deepEqual([...moved.stats], [...full.stats], `+${hours} h: stats`);
    // Only the checks that read the clock ran again.
    assert.ok(moved.checked < start.checked / 20, `+${hours} h: ${moved.checked} of ${start.checked} checks`);
    // And the fixture is one the clock changes: not telling the engine leaves it behind.
    const unmoved = stale.evaluate(inventory, at, new Set());
    if (JSON.stringify(digest(unmoved.findings)) !== JSON.stringify(digest(full.findings))) differed++;
  }
  assert.ok(differed >= 2, `the clock changed the findings at ${differed} of 5 instants`);
});

test('scraping by annotation switched on elsewhere re-checks every workload, and a plain Service change does not', () => {
  const deployment = (name: string, namespace = 'shop'): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name,
              image: `registry.example.com/${name}:1.0.0`,
              ports: [{ name: 'http', containerPort: 8080 }],
            },
          ],
        },
      },
    },
  });
  const service = (name: string, annotations?: Record<string, string>, namespace = 'shop'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  const objects = [
    deployment('api'),
    service('api'),
    deployment('web'),
    service('web'),
    deployment('db', 'data'),
    service('db', undefined, 'data'),
    // Enough others that reads of every Service compact to the kind, as in a real cluster.
    ...Array.from({ length: 20 }, (_, i) => [
      deployment(`w${i}`, `team${i}`),
      service(`w${i}`, undefined, `team${i}`),
    ]).flat(),
  ];
  const inventory = buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } })));
  const engine = new IncrementalRules({ rules: ALL_RULES });
  const notScraped = (findings: readonly Finding[]) =>
    findings.filter((f) => f.ruleId === 'workload-not-scraped').map((f) => f.ref.name);
  assert.deepEqual(
    notScraped(engine.evaluate(inventory, NOW, 'all').findings),
    [],
    'no sign of scraping yet',
  );

  const step = (changed: KubeObject, before: KubeObject) => {
    const parts = partsOfChange(before, changed);
    inventory.upsert(changed, { source: 'cluster' });
    inventory.forget(parts);
    return engine.evaluate(inventory, NOW, parts);
  };
  // Nothing scrapes by annotation yet: a change to one Service that touches no annotation
  // re-checks the workloads of its namespace (which Services front them), not every workload.
  const quiet = step(service('db', { note: 'x' }, 'data'), service('db', undefined, 'data'));
  objects[5] = service('db', { note: 'x' }, 'data');
  const quietRerun = quiet.checkedByRule.get('workload-not-scraped') ?? 0;
  assert.ok(quietRerun <= 1, `${quietRerun} workloads re-checked`);
  // web's Service is scraped by annotation: the cluster scrapes that way; api and db are not scraped.
  const on = step(service('web', { 'prometheus.io/scrape': 'true' }), service('web'));
  const fresh = () =>
    runRules(buildInventory(objects.map((object) => ({ object, origin: { source: 'cluster' } }))), {
      rules: ALL_RULES,
      now: NOW,
    });
  objects[3] = service('web', { 'prometheus.io/scrape': 'true' });
  assert.deepEqual(notScraped(on.findings), notScraped(fresh().findings));
  assert.equal(notScraped(on.findings).length, 22);
  // A change to api's Service that touches no annotation re-checks its namespace's workloads
  // (which Services front them), not every workload of the cluster.
  const plain = step(service('api', { note: 'x' }), service('api'));
  objects[1] = service('api', { note: 'x' });
  assert.deepEqual(notScraped(plain.findings), notScraped(fresh().findings));
  const rerun = plain.checkedByRule.get('workload-not-scraped') ?? 0;
  assert.ok(rerun <= 2, `${rerun} workloads re-checked`);
  // The scraped Service changing, its annotation kept: still not every workload.
  const kept = step(
    service('web', { 'prometheus.io/scrape': 'true', note: 'y' }),
    service('web', { 'prometheus.io/scrape': 'true' }),
  );
  objects[3] = service('web', { 'prometheus.io/scrape': 'true', note: 'y' });
  assert.deepEqual(notScraped(kept.findings), notScraped(fresh().findings));
  const keptRerun = kept.checkedByRule.get('workload-not-scraped') ?? 0;
  assert.ok(keptRerun <= 2, `${keptRerun} workloads re-checked`);
});
