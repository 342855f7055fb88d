import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flatString, sharedPath } from './kept-values.ts';

test('equal paths are one array; a number and its digits as a string are different paths', () => {
  const a = sharedPath(['spec', 'containers', 0, 'image']);
  assert.equal(sharedPath(['spec', 'containers', 0, 'image']), a);
  assert.deepEqual(a, ['spec', 'containers', 0, 'image']);
  assert.notEqual(sharedPath(['spec', 'containers', '0', 'image']), a);
  assert.notEqual(
    sharedPath(['spec', 'containers\u00010', 'image']),
    sharedPath(['spec', 'containers', 0, 'image']),
  );
  // The caller's array is not the one kept: writing it later changes no finding.
  const mine = ['metadata', 'labels'];
  const kept = sharedPath(mine);
  mine.push('app');
  assert.deepEqual(kept, ['metadata', 'labels']);
});

test('a string built from parts is kept equal', () => {
  let text = '';
  for (let i = 0; i < 40; i++) text += `part ${i}; `;
  assert.equal(flatString(text), text);
  assert.equal(flatString('short'), 'short');
  assert.equal(
    flatString('a lone surrogate \ud800 and an emoji 🚀 survive the copy'),
    'a lone surrogate \ud800 and an emoji 🚀 survive the copy',
  );
});
