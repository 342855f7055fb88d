/**
 * The line-reading locator must give the line a full parse gives, for every path into every
 * document it claims to handle. Checked on every YAML file the repository holds (rule fixtures,
 * examples, test data) and on documents written to stress indentation, and counted, so a locator
 * that always fell back to the parser would fail here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'yaml';
import type { ObjectPath } from '../../core/finding.ts';
import { blockPathLine, FileLines, UNSUPPORTED } from './block-path.ts';
import { YamlFileLocator } from './locate.ts';
import { parseYamlDocuments } from './read-documents.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every path into a value, and for each map and sequence one path that is not there. */
function* pathsOf(value: unknown, prefix: ObjectPath = []): Generator<ObjectPath> {
  yield prefix;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* pathsOf(value[i], [...prefix, i]);
    yield [...prefix, value.length];
    yield [...prefix, 'missing'];
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* pathsOf(v, [...prefix, k]);
    yield [...prefix, 'notWrittenHere'];
    yield [...prefix, 0];
  }
}

interface Tally {
  fast: number;
  parsed: number;
  mismatches: string[];
}

function compare(name: string, text: string, tally: Tally): void {
  const locator = new YamlFileLocator(text);
  const lines = text.split('\n');
  const fileLines = new FileLines(text);
  const { documents } = parseYamlDocuments(text, name);
  for (const doc of documents) {
    let count = 0;
    for (const path of pathsOf(doc.value)) {
      if (++count > 400) break;
      const root = doc.line - 1;
      const end = lines.findIndex((l, i) => i > root && /^(?:---|\.\.\.)(?:[ \t]|\r?$)/.test(l));
      const fast = blockPathLine({ lines: fileLines, end: end === -1 ? lines.length : end }, root, path);
      const parsed = locator.parsedLine(root, end === -1 ? lines.length : end, path, yaml);
      if (fast === UNSUPPORTED) {
        tally.parsed++;
        continue;
      }
      tally.fast++;
      if (fast !== parsed)
        tally.mismatches.push(`${name}:${doc.line} ${JSON.stringify(path)}: read ${fast}, parsed ${parsed}`);
      const answered = locator.line(doc.line, path, yaml);
      if (answered !== parsed)
        tally.mismatches.push(
          `${name}:${doc.line} ${JSON.stringify(path)}: located ${String(answered)}, parsed ${parsed}`,
        );
    }
  }
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    // Helm templates are text, not YAML.
    if (path.includes('/templates/') || path.includes('node_modules')) continue;
    out.push(path);
  }
  return out;
}

test('every path into the repository’s own YAML files: the same line as a full parse', () => {
  const tally: Tally = { fast: 0, parsed: 0, mismatches: [] };
  const files = ['src', 'examples', 'testdata', 'charts'].flatMap((d) => {
    try {
      return yamlFiles(join(ROOT, d));
    } catch {
      return [];
    }
  });
  assert.ok(files.length > 100, `${files.length} files`);
  for (const file of files) compare(relative(ROOT, file), readFileSync(file, 'utf8'), tally);
  assert.deepEqual(tally.mismatches, []);
  // Nearly everything people write is block style: the parser is the exception.
  assert.ok(tally.fast > 15_000, `${tally.fast} paths read line by line`);
  assert.ok(tally.parsed < tally.fast / 10, `${tally.parsed} paths parsed vs ${tally.fast} read`);
});

test('lines by offset: the same lines as a split, CRLF and a missing last newline included', () => {
  for (const text of ['', 'a', 'a\n', 'a\nb', 'a\r\nb\r\n', '\n\n', '---\nkind: Pod\n...\n']) {
    const lines = new FileLines(text);
    const split = text.split('\n');
    assert.equal(lines.count, split.length, JSON.stringify(text));
    assert.deepEqual(
      split.map((_, i) => lines.at(i)),
      split,
      JSON.stringify(text),
    );
    assert.equal(lines.at(split.length), undefined);
    for (let from = 0; from <= split.length; from++)
      for (let to = from; to <= split.length; to++)
        assert.equal(
          lines.slice(from, to),
          split.slice(from, to).join('\n'),
          `${JSON.stringify(text)} ${from}-${to}`,
        );
  }
});

test('indentation corner cases: the same line as a full parse, or left to the parser', () => {
  const documents = [
    // Sequences at their key's indentation, comments and blank lines between, quoted keys.
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  # a comment',
      '',
      '  name: "web"',
      '  "quoted key": 1',
      "  'single': 2",
      '  labels: {app: web, tier: "front"}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: nginx:1.27 # pinned',
      '        args:',
      '        - --port=80',
      '        -   "--flag: value"',
      '        - - nested',
      '          - list',
      '        command: [sh, -c]',
      '        env:',
      '          - name: A',
      '            value: |',
      '              multi: line',
      '              text',
      '          -',
      '            name: B',
      '            value: >-',
      '              folded',
      '      -   name: sidecar',
      '          securityContext:',
      '',
      '            # comment before the first key',
      '            runAsNonRoot: true',
      '          resources:',
      '      volumes:',
      '      - name: tmp',
      '        emptyDir: {}',
      '  url: http://example.com:80/x',
      '  empty:',
      '  plain: a long',
      '    folded plain scalar',
    ].join('\n'),
    // A quoted scalar over several lines: left to the parser.
    ['kind: ConfigMap', 'data:', '  quoted: "a long', 'quoted scalar"', '  after: 1'].join('\n'),
    // Windows line ends.
    ['kind: ConfigMap\r', 'metadata:\r', '  name: crlf\r', 'data:\r', '  a: "1"\r', '  b:\r', ''].join('\n'),
    // Anchors, tags and aliases: left to the parser.
    ['kind: ConfigMap', 'metadata: &m', '  name: anchored', 'data: !!map', '  a: "1"'].join('\n'),
    // Flow collections over several lines, and quoted keys with escapes.
    [
      'kind: Pod',
      'spec:',
      '  containers:',
      '  - name: a',
      '    command: [sh,',
      '      -c, "echo hi"]',
      '    env: [{name: A, value: "1"}]',
      '    "esc\\"aped": 1',
    ].join('\n'),
    // Non-string keys.
    ['kind: ConfigMap', 'data:', '  80: http', '  true: yes', '  null: x', '  1.5: y'].join('\n'),
    // A document indented as a whole, then a second one.
    [
      '  kind: Pod',
      '  metadata:',
      '    name: indented',
      '---',
      'kind: Pod',
      'spec:',
      '  containers: []',
    ].join('\n'),
  ];
  const tally: Tally = { fast: 0, parsed: 0, mismatches: [] };
  for (const [i, text] of documents.entries()) compare(`case-${i}`, text, tally);
  assert.deepEqual(tally.mismatches, []);
  assert.ok(tally.fast > 100, `${tally.fast} read line by line`);
  assert.ok(tally.parsed > 0, 'anchors and tags go to the parser');
});
