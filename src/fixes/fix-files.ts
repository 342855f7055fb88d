/**
 * `hindsight fix`: turns findings' edits into changes of the user's own YAML files. Only
 * documents that change are re-serialised (untouched documents keep every byte); the result is
 * re-read and must equal the original objects with exactly the intended edits, or the file is
 * left alone; files are replaced atomically, keeping their mode.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadAll } from 'js-yaml';
import { type Document, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Finding } from '../core/finding.ts';
import { applyToDocument, applyToObject, pathIsEditable } from './apply-edits.ts';

export interface FileFix {
  file: string;
  applied: Finding[];
  skipped: { finding: Finding; reason: string }[];
  diff?: string;
  /** Why the whole file was left alone, if it was. */
  refused?: string;
}

/** Sequences indented under their key (`key:\n  - a`) or not (`key:\n- a`), as the file does it. */
function detectIndentSeq(text: string): boolean {
  const lines = text.split('\n');
  let indented = 0;
  let flush = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^( *)[^\s#-][^#]*:\s*$/.exec(lines[i] as string);
    const dash = /^( *)- /.exec(lines[i + 1] as string);
    if (!key || !dash) continue;
    if ((dash[1] as string).length > (key[1] as string).length) indented++;
    else if ((dash[1] as string).length === (key[1] as string).length) flush++;
  }
  return indented >= flush;
}

export async function fixFile(
  file: string,
  findings: readonly Finding[],
  options: { dryRun: boolean },
): Promise<FileFix> {
  const result: FileFix = { file, applied: [], skipped: [] };
  let original: string;
  try {
    original = await readFile(file, 'utf8');
  } catch (error) {
    return { ...result, refused: `cannot read: ${(error as Error).message}` };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(original, { lineCounter, uniqueKeys: false });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) {
    return { ...result, refused: 'the file does not parse as YAML cleanly; it is left untouched' };
  }
  const originalObjects = docs.map((d) => d.toJSON() as unknown);
  const expected = [...originalObjects];
  const changed = new Set<number>();

  for (const finding of findings) {
    const edits = finding.fix?.edits ?? [];
    const index = docs.findIndex((d) => {
      const contents = d.contents as Node | null;
      return contents?.range != null && lineCounter.linePos(contents.range[0]).line === finding.origin?.line;
    });
    const doc = docs[index] as Document | undefined;
    if (!doc) {
      result.skipped.push({ finding, reason: 'its document could not be found in the file' });
      continue;
    }
    if (!edits.every((e) => pathIsEditable(doc, e.path))) {
      result.skipped.push({ finding, reason: 'a field on the path is not a mapping or list' });
      continue;
    }
    applyToDocument(doc, edits);
    expected[index] = applyToObject(expected[index], edits);
    changed.add(index);
    result.applied.push(finding);
  }
  if (changed.size === 0) return result;

  const indentSeq = detectIndentSeq(original);
  let next = '';
  docs.forEach((doc, i) => {
    const start = i === 0 ? 0 : (doc.range[0] as number);
    const end = docs[i + 1]?.range?.[0] ?? original.length;
    if (!changed.has(i)) {
      next += original.slice(start, end);
      return;
    }
    // The document's own text, then whatever followed it before the next document (blank lines).
    const trailing = original.slice(doc.range[2] as number, end);
    next +=
      doc.toString({ indentSeq, lineWidth: 0, flowCollectionPadding: false }) + trailing.replace(/^\n/, '');
  });

  // The guard: the new text must read as the expected objects, document for document.
  let reread: unknown[];
  try {
    reread = loadAll(next).filter((d) => d !== null && d !== undefined);
  } catch (error) {
    return {
      ...result,
      applied: [],
      refused: `the edited file would not parse (${(error as Error).message}); left untouched`,
    };
  }
  const want = expected.filter((d) => d !== null && d !== undefined);
  if (JSON.stringify(reread) !== JSON.stringify(want)) {
    return {
      ...result,
      applied: [],
      refused: 'the edited file would not read back as intended; left untouched',
    };
  }

  result.diff = createTwoFilesPatch(file, file, original, next, '', '', { context: 3 });
  if (!options.dryRun) {
    const mode = (await stat(file)).mode;
    const tmp = join(dirname(file), `.${basename(file)}.hindsight-${process.pid}.tmp`);
    await writeFile(tmp, next, { mode });
    await rename(tmp, file);
  }
  return result;
}
