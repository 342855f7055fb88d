import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { applyToDocument, pathIsEditable } from './apply-edits.ts';

test('pathIsEditable: a scalar or a list where a mapping must be makes the edit unsafe', () => {
  const cases: [string, (string | number)[], boolean][] = [
    // the parent exists and is a mapping
    ['spec:\n  replicas: 1\n', ['spec', 'replicas'], true],
    // the parent is missing: it is created
    ['kind: Deployment\n', ['spec', 'template', 'replicas'], true],
    // the last parent is a scalar (found by bench/fuzz.ts: `spec: '-5m'` crashed `fix`)
    ["spec: '-5m'\n", ['spec', 'replicas'], false],
    // the last parent is null
    ['spec:\n', ['spec', 'replicas'], false],
    // a list takes an index, not a name
    ['containers: [a]\n', ['containers', 'name'], false],
    ['containers: [{name: a}]\n', ['containers', 0, 'image'], true],
    // a scalar in the middle of the path
    ['spec: x\n', ['spec', 'template', 'replicas'], false],
  ];
  for (const [text, path, editable] of cases) {
    const doc = parseDocument(text);
    assert.equal(pathIsEditable(doc, path), editable, `${text.trim()} ${path.join('.')}`);
    if (editable) applyToDocument(doc, [{ op: 'set', path, value: 2 }]);
    else assert.throws(() => applyToDocument(doc, [{ op: 'set', path, value: 2 }]));
  }
});
