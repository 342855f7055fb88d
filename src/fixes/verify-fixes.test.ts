import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRules } from '../engine/run-rules.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { ALL_RULES } from '../rules/registry.ts';
import { readManifestText } from '../sources/manifests/load-manifests.ts';
import { newFindings } from './verify-fixes.ts';

const NOW = new Date('2026-11-12T10:00:00Z');
const deployment = (name: string, extra = '') =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: shop}`,
    'spec:',
    '  replicas: 3',
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: registry.example.com/app:1.0.0',
    extra,
    '',
  ].join('\n');

function scan(files: Record<string, string>) {
  const objects = Object.entries(files).flatMap(([file, text]) => readManifestText(text, file).objects);
  const options = { rules: ALL_RULES, now: NOW };
  return { objects, options, findings: runRules(buildInventory(objects), options).findings };
}

test('a planned text that removes findings and adds none passes', () => {
  const before = scan({ 'a.yaml': deployment('api'), 'b.yaml': deployment('web') });
  const fixed = deployment('api', '          securityContext: {allowPrivilegeEscalation: false}');
  const worse = newFindings(before.objects, new Map([['a.yaml', fixed]]), before.findings, before.options);
  assert.deepEqual([...worse], []);
});

test('a planned text with a finding the original did not have is caught, in its file', () => {
  const before = scan({ 'a.yaml': deployment('api'), 'b.yaml': deployment('web') });
  const worse = newFindings(
    before.objects,
    new Map([['a.yaml', deployment('api', '          securityContext: {privileged: true}')]]),
    before.findings,
    before.options,
  );
  assert.deepEqual([...worse.keys()], ['a.yaml']);
  assert.deepEqual(worse.get('a.yaml'), ['container-privileged on Deployment shop/api [app]']);
});

test('a new finding in a file not being changed holds back every changed file', () => {
  // The fix in a.yaml scales the HPA target below what b.yaml's PDB needs: the finding is b's.
  const pdb =
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api, namespace: shop}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: api}}\n';
  const before = scan({ 'a.yaml': deployment('api'), 'b.yaml': pdb });
  const planned = new Map([['a.yaml', deployment('api').replace('replicas: 3', 'replicas: 2')]]);
  const worse = newFindings(before.objects, planned, before.findings, before.options);
  assert.deepEqual([...worse.keys()], ['a.yaml']);
  assert.match(
    (worse.get('a.yaml') ?? []).join(),
    /pdb-allows-no-disruption on PodDisruptionBudget shop\/api/,
  );
});
