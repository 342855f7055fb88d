import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ALIASES_PER_DOCUMENT, parseYamlDocuments, splitYamlDocuments } from './read-documents.ts';

test('splitYamlDocuments keeps each document with its first line', () => {
  const text = [
    '# leading comment',
    'a: 1',
    '---',
    'b: 2',
    '',
    '--- # marker with comment',
    '# only a comment',
    'c: 3',
    '...',
    '',
  ].join('\n');
  const docs = splitYamlDocuments(text);
  assert.deepEqual(
    docs.map((d) => d.line),
    [2, 4, 8],
  );
});

test('a document marker with inline content keeps the content', () => {
  const { documents } = parseYamlDocuments('--- {kind: A}\n--- {kind: B}\n', 'f.yaml');
  assert.deepEqual(
    documents.map((d) => d.value),
    [{ kind: 'A' }, { kind: 'B' }],
  );
});

test('a YAML error names the line in the file, and the other documents still parse', () => {
  const text = ['a: 1', '---', 'b: 2', 'c: [unclosed', '---', 'd: 4'].join('\n');
  const { documents, errors } = parseYamlDocuments(text, 'f.yaml');
  assert.deepEqual(
    documents.map((d) => d.value),
    [{ a: 1 }, { d: 4 }],
  );
  assert.equal(errors.length, 1);
  assert.ok((errors[0]?.line ?? 0) >= 3, `line ${errors[0]?.line}`);
  assert.match(errors[0]?.message ?? '', /invalid YAML/);
});

test('an alias bomb is refused before it is expanded', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < MAX_ALIASES_PER_DOCUMENT; i++) lines.push(`k${i}: [*a, *a]`);
  const { documents, errors } = parseYamlDocuments(lines.join('\n'), 'bomb.yaml');
  assert.equal(documents.length, 0);
  assert.match(errors[0]?.message ?? '', /alias bomb/);
});

test('a few aliases (anchors for shared env) are fine', () => {
  const text = 'base: &env {A: "1"}\nx: *env\ny: *env\n';
  const { documents, errors } = parseYamlDocuments(text, 'ok.yaml');
  assert.equal(errors.length, 0);
  const value = documents[0]?.value as Record<string, unknown> | undefined;
  assert.deepEqual(value?.x, { A: '1' });
});

test('timestamps stay strings, as the API server reads them', () => {
  const { documents } = parseYamlDocuments(
    'metadata:\n  creationTimestamp: 2026-11-01T10:00:00Z\n',
    'ts.yaml',
  );
  const value = documents[0]?.value as { metadata: { creationTimestamp: unknown } };
  assert.equal(value.metadata.creationTimestamp, '2026-11-01T10:00:00Z');
});
