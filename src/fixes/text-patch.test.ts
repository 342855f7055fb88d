import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffLines } from 'diff';
import { load } from 'js-yaml';
import type { Edit } from '../core/finding.ts';
import { applyToObject } from './apply-edits.ts';
import { patchDocumentText } from './text-patch.ts';

// Styles a real repository mixes in one file: indented and flush lists, flow maps and lists,
// quoted strings, comments at the end of lines.
const DOC = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: "frontend"   # quoted on purpose
  labels: { app: frontend,  tier: web }
spec:
  replicas: 1
  selector:
    matchLabels:
      app: frontend
  template:
    spec:
      containers:
        - name: server
          image: 'gcr.io/example/frontend:v1'
          args: ["--port", "8080"]
          ports:
          - containerPort: 8080
          securityContext:
            runAsUser: 1000
        - name: sidecar
          image: envoy:v1
`;

/** Lines of `after` that are not in `before`, and lines of `before` that are gone. */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.added) added.push(...lines);
    else if (part.removed) removed.push(...lines);
  }
  return { added, removed };
}

test('each kind of edit changes only its own lines, in the file own style', () => {
  // Rows: edits → the lines added and removed, exactly.
  const cases: [string, Edit[], string[], string[]][] = [
    [
      'scalar replaced in place, comment and quotes kept elsewhere',
      [{ op: 'set', path: ['spec', 'replicas'], value: 2 }],
      ['  replicas: 2'],
      ['  replicas: 1'],
    ],
    [
      'new key among siblings of an indented-list item',
      [
        {
          op: 'set',
          path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'runAsNonRoot'],
          value: true,
        },
      ],
      ['            runAsNonRoot: true'],
      [],
    ],
    [
      'new nested block where the parents are missing',
      [
        {
          op: 'set',
          path: ['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'allowPrivilegeEscalation'],
          value: false,
        },
      ],
      ['          securityContext:', '            allowPrivilegeEscalation: false'],
      [],
    ],
    [
      'item added to a flow list stays in flow style',
      [
        {
          op: 'add-to-list',
          path: ['spec', 'template', 'spec', 'containers', 0, 'args'],
          value: '--verbose',
        },
      ],
      ['          args: ["--port", "8080", --verbose]'],
      ['          args: ["--port", "8080"]'],
    ],
    [
      'key added to a flow map stays in flow style',
      [{ op: 'set', path: ['metadata', 'labels', 'team'], value: 'shop' }],
      ['  labels: { app: frontend,  tier: web, team: shop }'],
      ['  labels: { app: frontend,  tier: web }'],
    ],
    [
      'item added to a flush block list keeps its column',
      [
        {
          op: 'add-to-list',
          path: ['spec', 'template', 'spec', 'containers', 0, 'ports'],
          value: { containerPort: 9090, name: 'metrics' },
        },
      ],
      ['          - containerPort: 9090', '            name: metrics'],
      [],
    ],
  ];
  for (const [name, edits, added, removed] of cases) {
    const patched = patchDocumentText(DOC, edits, true);
    assert.ok(patched !== undefined, name);
    assert.deepEqual(lineDiff(DOC, patched), { added, removed }, name);
    assert.deepEqual(load(patched), applyToObject(load(DOC), edits), `${name}: reads back as intended`);
  }
});

test('a key is removed with exactly its lines; other lines keep every byte', () => {
  const text = [
    'spec:',
    '  containers:',
    '  - name: api # the API',
    '    resources:',
    '      limits:',
    '        cpu: 200m   # capped',
    '        memory: 128Mi',
    '    ports:',
    '    - {containerPort: 8080}',
    '',
  ].join('\n');
  const out = patchDocumentText(
    text,
    [{ op: 'remove', path: ['spec', 'containers', 0, 'resources', 'limits', 'cpu'] }],
    false,
  );
  assert.equal(out, text.replace('        cpu: 200m   # capped\n', ''));
  // A block value goes with its key.
  const block = 'spec:\n  a:\n    b: 1\n    c: 2\n  d: 3\n';
  assert.equal(patchDocumentText(block, [{ op: 'remove', path: ['spec', 'a'] }], true), 'spec:\n  d: 3\n');
});

test('edits it cannot place as text are left to the fallback', () => {
  // Removing the last key of a mapping (it would read as null, not {}), a key of a flow
  // mapping, and a key whose value is empty (`key:`) have no exact text form.
  const lone = 'spec:\n  limits:\n    cpu: 1\n';
  assert.equal(patchDocumentText(lone, [{ op: 'remove', path: ['spec', 'limits', 'cpu'] }], true), undefined);
  const flow = 'spec:\n  limits: {cpu: 1, memory: 2}\n';
  assert.equal(patchDocumentText(flow, [{ op: 'remove', path: ['spec', 'limits', 'cpu'] }], true), undefined);
  const empty = 'kind: Pod\nmetadata:\n  name: a\nspec:\n  securityContext:\n';
  assert.equal(
    patchDocumentText(
      empty,
      [{ op: 'set', path: ['spec', 'securityContext', 'runAsNonRoot'], value: true }],
      true,
    ),
    undefined,
  );
});
