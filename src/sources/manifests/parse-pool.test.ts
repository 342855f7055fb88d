import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifests, readManifestText } from './load-manifests.ts';
import { ParsePool, POOL_THRESHOLD_BYTES } from './parse-pool.ts';
import { MAX_ALIASES_PER_DOCUMENT, parseYamlDocuments } from './read-documents.ts';

/** A stream of documents with every kind of problem a file may have, repeated past `bytes`. */
function stream(bytes: number): string {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc =
      i % 97 === 5
        ? `kind: ConfigMap\nmetadata:\n  name: dup-${i}\n  name: again\n`
        : i % 89 === 7
          ? `kind: ConfigMap\nmetadata: {name: bomb-${i}}\ndata:\n${Array.from({ length: MAX_ALIASES_PER_DOCUMENT + 1 }, (_, j) => `  k${j}: *a`).join('\n')}\n`
          : i % 83 === 3
            ? '# only a comment\n'
            : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 7}\ndata:\n  big: "${'x'.repeat(900)}"\n  inf: .inf\n`;
    docs.push(doc);
    size += doc.length;
  }
  return docs.join('---\n');
}

test('the worker pool reads a file exactly as the main thread does: documents, indexes, lines and errors', async (t) => {
  const pool = ParsePool.create();
  if (!pool) return t.skip('one core: no pool');
  try {
    const text = stream(3 * 1024 * 1024);
    const expected = parseYamlDocuments(text, 'big.yaml');
    assert.ok(expected.documents.length > 2000 && expected.errors.length > 20);
    assert.deepEqual(await pool.parse(text, 'big.yaml'), expected);
  } finally {
    await pool.close();
  }
});

test('workers that die mid-parse hand their runs back: the main thread parses them, the result is the same', async (t) => {
  const pool = ParsePool.create();
  if (!pool) return t.skip('one core: no pool');
  try {
    const text = stream(2 * 1024 * 1024);
    const parsing = pool.parse(text, 'big.yaml');
    const { workers } = pool as unknown as { workers: { worker: { terminate(): Promise<number> } }[] };
    assert.ok(workers.length >= 2, 'the parse started workers');
    await Promise.all(workers.map((w) => w.worker.terminate()));
    assert.deepEqual(await parsing, parseYamlDocuments(text, 'big.yaml'));
    // And the pool goes on with new workers.
    assert.deepEqual(await pool.parse(text, 'again.yaml'), parseYamlDocuments(text, 'again.yaml'));
  } finally {
    await pool.close();
  }
});

test('a load past the threshold gives the objects, errors and order a file-by-file read gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-pool-'));
  try {
    const files: string[] = [];
    let total = 0;
    for (let i = 0; total < POOL_THRESHOLD_BYTES * 2; i++) {
      const name = join(dir, `part-${String(i).padStart(3, '0')}.yaml`);
      const text = stream(512 * 1024).replaceAll('cm-', `f${i}-cm-`);
      writeFileSync(name, text);
      files.push(name);
      total += text.length;
    }
    const loaded = await loadManifests([dir]);
    const one = files.map((f) => readManifestText(readFileSync(f, 'utf8'), f));
    assert.equal(loaded.files, files.length);
    assert.deepEqual(
      loaded.objects.map((o) => [o.origin.source, o.origin.line, o.object.metadata.name]),
      one.flatMap((r) => r.objects.map((o) => [o.origin.source, o.origin.line, o.object.metadata.name])),
    );
    assert.deepEqual(
      loaded.errors.map(String),
      one.flatMap((r) => r.errors.map(String)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
