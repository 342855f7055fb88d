import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputText, inputTexts } from './input-text.ts';

test('inputText: scalars have text; mappings (even with a toString key), lists and null do not', () => {
  assert.equal(inputText('Ingress'), 'Ingress');
  assert.equal(inputText(443), '443');
  assert.equal(inputText(true), 'true');
  assert.equal(inputText({ toString: 1, valueOf: [] }), undefined);
  assert.equal(inputText(['a']), undefined);
  assert.equal(inputText(null), undefined);
  assert.deepEqual(inputTexts(['Ingress', { toString: 1 }, 2, null]), ['Ingress', '2']);
  assert.deepEqual(inputTexts('Ingress'), []);
});
