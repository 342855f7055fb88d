import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../testenv/fixtures/random.ts';
import {
  MAX_ALIASES_PER_DOCUMENT,
  MAX_NESTING_DEPTH,
  parseYamlDocuments,
  splitYamlDocuments,
  splitYamlDocumentsByLines,
  withoutCrdSchemas,
} from './read-documents.ts';

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

test('a duplicate key is an error at the line of the repeated key in the file, whatever the chunking', () => {
  const cases: [string, number][] = [
    // in the first document, under a mapping
    ['a: 1\nb:\n  c: 2\n  c: 3\n', 4],
    // in a later document after leading comments and blank lines
    ['a: 1\n---\n\n# note\n# more\nkind: X\nkind: Y\n', 7],
    // on a `---` line with inline content
    ['a: 1\n--- {k: 1, k: 2}\n', 2],
    // after a document end marker and a directive-looking comment
    ['a: 1\n...\n# x\nb: 1\nc: 2\nb: 3\n', 6],
  ];
  for (const [text, line] of cases) {
    const { errors } = parseYamlDocuments(text, 'dup.yaml');
    assert.equal(errors.length, 1, text);
    assert.equal(errors[0]?.line, line, text);
    assert.match(
      errors[0]?.message ?? '',
      /^duplicate key "(c|kind|k|b)" \(kubectl apply refuses duplicate fields/,
    );
  }
});

test('quoted duplicate keys are named too', () => {
  const { errors } = parseYamlDocuments('"a b": 1\n"a b": 2\n', 'q.yaml');
  assert.match(errors[0]?.message ?? '', /^duplicate key "a b"/);
});

test('nesting deeper than MAX_NESTING_DEPTH is refused with a clear message; just under is read', () => {
  const { errors } = parseYamlDocuments(`x: ${'['.repeat(100_000)}\n`, 'deep.yaml');
  assert.equal(errors[0]?.line, 1);
  assert.match(errors[0]?.message ?? '', /^nesting deeper than 1000 levels/);
  const fine = parseYamlDocuments(`${'- '.repeat(MAX_NESTING_DEPTH - 1)}x\n`, 'ok.yaml');
  assert.deepEqual(fine.errors, []);
});

test('aliases that form a cycle, expand exponentially or nest too deep are refused before anything walks them', () => {
  const laughs = ['l0: &l0 [x, x]'];
  for (let i = 1; i < 40; i++) laughs.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
  const deepAnchor = `a: &a ${'['.repeat(900)}${']'.repeat(900)}\nb: ${'['.repeat(900)}*a${']'.repeat(900)}\n`;
  const cases: [string, RegExp][] = [
    ['a: &a {b: *a}\n', /contain itself \(a cycle\)/],
    ['spec: &s\n  containers: [*s]\n', /contain itself \(a cycle\)/],
    [
      laughs.join('\n'),
      /expand the document to 4\.4e\+12 nodes \(it has \d+\); refusing a possible alias bomb/,
    ],
    [deepAnchor, /nest the document deeper than 1000 levels/],
  ];
  for (const [text, expected] of cases) {
    const { documents, errors } = parseYamlDocuments(text, 'bomb.yaml');
    assert.equal(documents.length, 0, text.slice(0, 40));
    assert.match(errors[0]?.message ?? '', expected);
  }
});

test('a CRD schema is not parsed: it reads as empty, every line number stays, other documents are untouched', () => {
  const crd = [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.com',
    'spec:',
    '  group: example.com',
    '  versions:',
    '    - name: v1',
    '      served: true',
    '      schema:',
    '        openAPIV3Schema:',
    '          type: object',
    '          properties:',
    '            spec:',
    '              description: |',
    '                openAPIV3Schema: not a key here',
    '              type: object',
    '      storage: true',
    '  conversion:',
    '    strategy: Webhook',
  ].join('\n');
  const stripped = withoutCrdSchemas(crd);
  assert.equal(stripped.split('\n').length, crd.split('\n').length);
  const { documents, errors } = parseYamlDocuments(
    `${crd}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: {openAPIV3Schema: kept}\n`,
    'crd.yaml',
  );
  assert.deepEqual(errors, []);
  const [first, second] = documents;
  assert.ok(first && second);
  const spec = (
    first.value as {
      spec: { versions: { schema: unknown; storage: boolean }[]; conversion: unknown };
    }
  ).spec;
  assert.deepEqual(spec.versions[0]?.schema, { openAPIV3Schema: {} });
  assert.equal(spec.versions[0]?.storage, true);
  assert.deepEqual(spec.conversion, { strategy: 'Webhook' });
  assert.equal(second.line, 22);
  assert.deepEqual((second.value as { data: unknown }).data, { openAPIV3Schema: 'kept' });
  // Not a CRD: nothing changes.
  const other = 'kind: Widget\nspec:\n  openAPIV3Schema:\n    a: 1\n';
  assert.equal(withoutCrdSchemas(other), other);
});

test('the offset-based split equals the line-by-line split on random streams of markers, comments and blanks', () => {
  const rng = new Rng(7);
  const pieces = [
    '---',
    '--- # marker with a comment',
    '...',
    '',
    '   ',
    '# a comment',
    '  # an indented comment',
    'kind: ConfigMap',
    'metadata:',
    '  name: a',
    'data:',
    '  key: |',
    '    text',
    '    ---not a marker',
    ' --- indented, not a marker',
    '----',
    '---x',
    '- item',
  ];
  for (let round = 0; round < 2000; round++) {
    const lines = Array.from({ length: rng.int(0, 14) }, () => rng.pick(pieces));
    const text = lines.join('\n') + (rng.chance(0.5) ? '\n' : '');
    assert.deepEqual(splitYamlDocuments(text), splitYamlDocumentsByLines(text), JSON.stringify(text));
  }
});
