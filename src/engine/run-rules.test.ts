import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, parseConfig, validateConfig } from '../config/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { type AnyRule, defineInventoryRule, defineRule, NOT_APPLICABLE } from '../rules/define-rule.ts';
import { IncrementalRules } from './incremental.ts';
import { runRules } from './run-rules.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

/** A rule that reports every container, so engine behaviour is visible. */
const everyContainer = defineRule({
  id: 'test-every-container',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'test',
  appliesTo: 'workloads',
  messages: { found: 'container {name}' },
  check(entry, ctx) {
    const containers =
      (entry.object.spec as { template?: { spec?: { containers?: { name: string }[] } } })?.template?.spec
        ?.containers ?? [];
    for (const c of containers) ctx.report({ messageId: 'found', data: { name: c.name }, container: c.name });
  },
});

const throwing = defineRule({
  id: 'test-throws',
  category: 'reliability',
  severity: 'high',
  lesson: 'resource-limits',
  title: 'test',
  appliesTo: ['Deployment'],
  messages: { never: 'never' },
  check() {
    throw new Error('boom');
  },
});

function deployment(
  name: string,
  namespace: string,
  annotations: Record<string, string> = {},
  podAnnotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, annotations },
    spec: {
      template: {
        metadata: { annotations: podAnnotations },
        spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] },
      },
    },
  };
}

function run(objects: KubeObject[], configText = '', rules: readonly AnyRule[] = [everyContainer]) {
  const inventory = buildInventory(
    objects.map((object) => ({ object, origin: { source: 'test.yaml', line: 1 } })),
  );
  return runRules(inventory, { rules, now: NOW, config: parseConfig(configText, '.hindsight.yaml') });
}

test('an annotation exemption with a reason moves findings aside, scoped to containers', () => {
  const result = run([
    deployment('api', 'shop', {
      'exempt.hindsight.dev/test-every-container': 'vendor image; containers=sidecar',
    }),
  ]);
  assert.deepEqual(
    result.findings.map((f) => f.container),
    ['app'],
  );
  assert.deepEqual(
    result.exempted.map((f) => [f.container, f.exemption?.reason]),
    [['sidecar', 'vendor image']],
  );
});

test('pod template annotations exempt too (Helm charts put them there)', () => {
  const result = run([
    deployment('api', 'shop', {}, { 'exempt.hindsight.dev/test-every-container': 'accepted risk' }),
  ]);
  assert.equal(result.findings.length, 0);
  assert.equal(result.exempted.length, 2);
});

test('an expired exemption no longer applies; one without a reason is itself a finding', () => {
  const expired = run([
    deployment('api', 'shop', {
      'exempt.hindsight.dev/test-every-container': 'until the migration; expires=2026-10-01',
    }),
  ]);
  assert.equal(expired.findings.filter((f) => f.ruleId === 'test-every-container').length, 2);
  const noReason = run([deployment('api', 'shop', { 'exempt.hindsight.dev/test-every-container': 'true' })]);
  assert.equal(noReason.exempted.length, 0);
  assert.match(
    noReason.findings.find((f) => f.ruleId === 'exemption-invalid')?.message ?? '',
    /needs a reason/,
  );
  const unknownRule = run([deployment('api', 'shop', { 'exempt.hindsight.dev/no-such-rule': 'typo' })]);
  assert.match(
    unknownRule.findings.find((f) => f.ruleId === 'exemption-invalid')?.message ?? '',
    /no rule is called no-such-rule/,
  );
});

test('config exemptions match by rule, namespace, kind, name prefix and container', () => {
  const config = `
exemptions:
  - rule: test-every-container
    namespace: shop
    name: api-*
    containers: [app]
    reason: JVM sidecar pattern
    expires: 2027-01-01
`;
  const result = run([deployment('api-v2', 'shop'), deployment('web', 'shop')], config);
  assert.deepEqual(
    result.exempted.map((f) => `${f.ref.name}/${f.container}`),
    ['api-v2/app'],
  );
  assert.equal(result.findings.length, 3);
  assert.equal(result.exempted[0]?.exemption?.source, 'config');
});

test('config turns rules off, overrides severity and excludes namespaces', () => {
  const off = run([deployment('api', 'shop')], 'rules:\n  test-every-container: off\n');
  assert.equal(off.findings.length, 0);
  const severity = run([deployment('api', 'shop')], 'rules:\n  test-every-container: {severity: critical}\n');
  assert.deepEqual([...new Set(severity.findings.map((f) => f.severity))], ['critical']);
  const excluded = run(
    [deployment('api', 'shop'), deployment('x', 'kube-system')],
    'excludeNamespaces: [kube-system]\n',
  );
  assert.deepEqual([...new Set(excluded.findings.map((f) => f.ref.namespace))], ['shop']);
});

test('a rule that throws becomes an internal-error finding and the scan goes on', () => {
  const result = run([deployment('api', 'shop')], '', [throwing, everyContainer]);
  assert.match(
    result.findings.find((f) => f.ruleId === 'internal-error')?.message ?? '',
    /test-throws failed on this object: boom/,
  );
  assert.equal(result.findings.filter((f) => f.ruleId === 'test-every-container').length, 2);
});

test('the score weighs failed checks by severity and ignores exempted ones', () => {
  const clean = run([], '');
  assert.equal(clean.score, 100);
  const failing = run([
    deployment('api', 'shop'),
    deployment('web', 'shop', { 'exempt.hindsight.dev/test-every-container': 'ok' }),
  ]);
  assert.equal(failing.score, 50);
});

test('bad config is a ConfigError naming the file and the field', () => {
  assert.throws(
    () => parseConfig('rules: {x: maybe}\n', 'repo/.hindsight.yaml'),
    (e: unknown) => e instanceof ConfigError && /repo\/\.hindsight\.yaml: rules\.x/.test(e.message),
  );
  assert.throws(() => parseConfig('exemptions: [{rule: x}]\n', 'c.yaml'), /reason/);
  assert.throws(() => parseConfig('failOn: urgent\n', 'c.yaml'), /failOn/);
  assert.throws(() => parseConfig('unknownKey: 1\n', 'c.yaml'), ConfigError);
});

test('the configuration a run uses without a file is what the schema makes of an empty one', () => {
  assert.deepEqual(validateConfig({}, '.hindsight.yaml'), DEFAULT_CONFIG);
  assert.deepEqual(parseConfig('', '.hindsight.yaml'), DEFAULT_CONFIG);
});

test('objects a rule finds not applicable count neither as passed nor as failed', () => {
  const picky = defineRule({
    id: 'test-picky',
    category: 'security',
    severity: 'high',
    lesson: 'security-baseline',
    title: 'test',
    appliesTo: ['Deployment'],
    messages: { bad: 'bad' },
    check(entry, ctx) {
      if (entry.ref.name !== 'judged') return NOT_APPLICABLE;
      ctx.report({ messageId: 'bad' });
    },
  });
  const result = run([deployment('judged', 'shop'), deployment('other', 'shop')], '', [picky]);
  assert.deepEqual(result.stats.get('test-picky'), { evaluated: 1, failed: 1 });
  assert.equal(result.score, 0);
});

/** A relational rule: per namespace, judged on its first Deployment; fails namespaces with one. */
const loneNamespace = defineInventoryRule({
  id: 'test-lone-namespace',
  category: 'reliability',
  severity: 'medium',
  lesson: 'resource-limits',
  title: 'test',
  messages: { lone: 'namespace {namespace} has one Deployment' },
  checkInventory(ctx) {
    const byNamespace = new Map<string, string[]>();
    for (const d of ctx.inventory.ofKind('Deployment')) {
      const ns = d.ref.namespace ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), d.ref.name].sort());
    }
    for (const [namespace, names] of byNamespace) {
      const subject = ctx.inventory.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace,
        name: names[0] ?? '',
      });
      if (!subject) continue;
      ctx.judged(subject);
      if (names.length === 1) {
        ctx.report(subject, { messageId: 'lone', data: { namespace } });
        // Named twice, counted once.
        ctx.judged(subject);
      }
    }
  },
});

test('a relational rule runs once over the inventory: its findings name the subjects it chose, each subject counts once', () => {
  const objects = [
    deployment('a', 'one'),
    deployment('b', 'two'),
    deployment('c', 'two'),
    deployment('d', 'three', { 'exempt.hindsight.dev/test-lone-namespace': 'a demo namespace' }),
    deployment('e', 'kept-out'),
  ];
  const result = run(objects, 'excludeNamespaces: [kept-out]\n', [loneNamespace]);
  assert.deepEqual(
    result.findings.map((f) => [f.ref.namespace, f.ref.name, f.message, f.origin?.source]),
    [['one', 'a', 'namespace one has one Deployment', 'test.yaml']],
  );
  assert.deepEqual(
    result.exempted.map((f) => [f.ref.name, f.exemption?.reason]),
    [['d', 'a demo namespace']],
  );
  // one, two and three judged (kept-out is excluded); one failed.
  assert.deepEqual(result.stats.get('test-lone-namespace'), { evaluated: 3, failed: 1 });
  assert.equal(result.score, 67);
});

test('a relational rule that throws leaves one internal-error finding on the rule and the run goes on', () => {
  const broken = defineInventoryRule({
    id: 'test-broken-relational',
    category: 'reliability',
    severity: 'high',
    lesson: 'resource-limits',
    title: 'test',
    messages: { never: 'never' },
    checkInventory() {
      throw new Error('boom');
    },
  });
  const result = run([deployment('api', 'shop')], '', [broken, everyContainer]);
  const errors = result.findings.filter((f) => f.ruleId === 'internal-error');
  assert.deepEqual(
    errors.map((f) => [f.ref.kind, f.ref.name, f.message]),
    [
      [
        'Rule',
        'test-broken-relational',
        'rule test-broken-relational failed: boom. The rest of the scan went on; please report this.',
      ],
    ],
  );
  assert.equal(result.findings.filter((f) => f.ruleId === 'test-every-container').length, 2);
  assert.deepEqual(result.stats.get('test-broken-relational'), { evaluated: 0, failed: 0 });
});

test('a relational rule runs again only when a change touches what it read', () => {
  const objects = [deployment('a', 'one'), deployment('b', 'two')];
  const inventoryOf = (list: KubeObject[]) =>
    buildInventory(list.map((object) => ({ object, origin: { source: 'test.yaml' } })));
  const engine = new IncrementalRules({ rules: [loneNamespace] });
  const first = engine.evaluate(inventoryOf(objects), NOW, 'all');
  assert.equal(first.findings.length, 2);
  // A ConfigMap is not read by the rule: its result is reused.
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'one' } };
  const unrelated = engine.evaluate(inventoryOf([...objects, configMap]), NOW, [
    'ConfigMap',
    'ConfigMap@one',
    'ns:one',
  ]);
  assert.deepEqual([unrelated.checked, unrelated.reused, unrelated.findings.length], [0, 1, 2]);
  // A second Deployment in `two` is: the rule runs again and `two` passes.
  const more = [...objects, configMap, deployment('c', 'two')];
  const changed = engine.evaluate(inventoryOf(more), NOW, ['Deployment', 'Deployment@two', 'ns:two']);
  assert.deepEqual([changed.checked, changed.reused], [1, 0]);
  assert.deepEqual(
    changed.findings.map((f) => f.ref.namespace),
    ['one'],
  );
  assert.deepEqual(
    changed.findings,
    runRules(inventoryOf(more), { rules: [loneNamespace], now: NOW }).findings,
  );
});
