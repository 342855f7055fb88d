import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Origin } from '../core/origin.ts';
import type { KubeObject } from '../core/resource.ts';
import { defineRule } from '../rules/define-rule.ts';
import { runRulesByEnvironment } from './run-environments.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

/** Reports each privileged container, so environment differences are visible. */
const privileged = defineRule({
  id: 'test-privileged',
  category: 'security',
  severity: 'high',
  lesson: 'security-baseline',
  title: 'test',
  appliesTo: ['Deployment'],
  messages: { found: 'privileged' },
  check(entry, ctx) {
    const spec = entry.object.spec as { privileged?: boolean };
    if (spec.privileged) ctx.report({ messageId: 'found' });
  },
});

/** Reports a Namespace without a NetworkPolicy: relates objects across the inventory. */
const lonelyNamespace = defineRule({
  id: 'test-lonely-namespace',
  category: 'security',
  severity: 'low',
  lesson: 'security-baseline',
  title: 'test',
  appliesTo: ['Namespace'],
  messages: { found: 'no policy' },
  check(entry, ctx) {
    if (ctx.inventory.inNamespace('NetworkPolicy', entry.ref.name).length === 0)
      ctx.report({ messageId: 'found' });
  },
});

function deployment(name: string, isPrivileged: boolean): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { privileged: isPrivileged },
  };
}

const rendered = (environment: string): Origin => ({
  source: 'charts/api/templates/deployment.yaml',
  rendered: 'helm template api charts/api',
  environment,
});

test('the same object in two environments is two objects; a finding says where it is and is not', () => {
  const result = runRulesByEnvironment(
    [
      { object: deployment('api', false), origin: rendered('dev') },
      { object: deployment('api', true), origin: rendered('prod') },
      // A plain manifest belongs to every environment: its finding is said once.
      { object: deployment('batch', true), origin: { source: 'manifests/batch.yaml', line: 1 } },
    ],
    { rules: [privileged], now: NOW },
  );
  assert.deepEqual(result.environments, ['dev', 'prod']);
  // No collapse of dev and prod into one inventory entry.
  assert.deepEqual(result.duplicates, []);
  assert.deepEqual(
    result.findings.map((f) => [f.ref.name, f.environments]),
    [
      ['api', { in: ['prod'], notIn: ['dev'] }],
      ['batch', undefined],
    ],
  );
  // The worst environment's score: prod has two of two failing.
  assert.equal(result.score, 0);
  assert.deepEqual(result.stats.get('test-privileged'), { evaluated: 2, failed: 2 });
});

test('a finding in every environment is one finding, in all of them', () => {
  const result = runRulesByEnvironment(
    [
      { object: deployment('api', true), origin: rendered('dev') },
      { object: deployment('api', true), origin: rendered('staging') },
      { object: deployment('api', true), origin: rendered('prod') },
    ],
    { rules: [privileged], now: NOW },
  );
  assert.equal(result.findings.length, 1);
  assert.deepEqual(result.findings[0]?.environments, { in: ['dev', 'staging', 'prod'], notIn: [] });
});

test('objects without an environment are in every environment inventory', () => {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
  const policy = (environment: string) => ({
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'shop' },
    } as KubeObject,
    origin: { ...rendered(environment), source: 'charts/api/templates/policy.yaml' },
  });
  const result = runRulesByEnvironment(
    [
      { object: namespace, origin: { source: 'namespaces.yaml', line: 1 } },
      policy('prod'),
      { object: deployment('api', false), origin: rendered('dev') },
    ],
    { rules: [lonelyNamespace], now: NOW },
  );
  // dev renders no policy, prod does: the shared Namespace has the finding in dev only.
  assert.deepEqual(
    result.findings.map((f) => [f.ref.name, f.environments]),
    [['shop', { in: ['dev'], notIn: ['prod'] }]],
  );
});

test('without environments it is one inventory, as before', () => {
  const result = runRulesByEnvironment(
    [
      { object: deployment('api', true), origin: { source: 'a.yaml', line: 1 } },
      { object: deployment('api', false), origin: { source: 'b.yaml', line: 1 } },
    ],
    { rules: [privileged], now: NOW },
  );
  assert.deepEqual(result.environments, []);
  assert.equal(result.duplicates.length, 1);
  // Both same-name copies are scanned: the privileged one in a.yaml has its finding.
  assert.deepEqual(
    result.findings.map((f) => f.origin?.source),
    ['a.yaml'],
  );
  assert.equal(result.findings[0]?.environments, undefined);
});
