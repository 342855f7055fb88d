import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderKubeSchema } from '../../scripts/gen-kube-schema.ts';

test('src/data/kube-schema.ts is generated from @kubernetes/client-node and up to date', () => {
  const current = readFileSync(new URL('./kube-schema.ts', import.meta.url), 'utf8');
  assert.ok(current === renderKubeSchema(), 'out of date: run node scripts/gen-kube-schema.ts');
});
